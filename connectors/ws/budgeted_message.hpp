#pragma once

// websocketpp's message and per-connection message manager, with every
// incoming message charged to its connector's message_budget while it
// arrives. websocketpp appends a frame's payload straight into the string
// get_raw_payload() returns, once per read chunk (at most 16 KiB), so that
// call is where the bytes are counted. Private to connectors/ws.

#if defined(__GNUC__)
#pragma GCC system_header // websocketpp does not build warning-free
#endif

#include <algorithm>
#include <chrono>
#include <cstddef>
#include <functional>
#include <memory>
#include <string>
#include <utility>

#include <websocketpp/frame.hpp>

#include "connectors/ws/message_budget.hpp"

namespace temblor::connectors::ws {

/// What the messages of one connection share: the connector's budget, and
/// how to close the connection once one of its messages overdrew it.
struct budget_link {
  explicit budget_link(std::shared_ptr<message_budget> b) : budget(std::move(b)) {}

  std::shared_ptr<message_budget> budget;
  /// Called once, from inside websocketpp's frame parser: it must only
  /// schedule the close (post to the loop), never close on the spot.
  std::function<void()> on_exceeded;
  /// Set once the connection overdrew: every later byte it sends lands in
  /// `discard`, which is emptied at each read chunk.
  bool exceeded = false;
  std::string discard;
  /// When a chunk of an unfinished message last arrived: a peer sending one
  /// large message is busy, not idle.
  std::chrono::steady_clock::time_point last_chunk;
};

class budgeted_manager;

/// websocketpp's `message_type` (same interface as
/// websocketpp::message_buffer::message).
class budgeted_message {
public:
  using ptr = std::shared_ptr<budgeted_message>;
  using con_msg_man_type = budgeted_manager;
  using con_msg_man_ptr = std::shared_ptr<budgeted_manager>;
  using con_msg_man_weak_ptr = std::weak_ptr<budgeted_manager>;

  /// The first frame's length is only a promise of the peer: reserve at most
  /// this much up front, the string grows as bytes really arrive.
  static constexpr size_t max_initial_reserve = size_t{1} << 20;

  explicit budgeted_message(const con_msg_man_ptr& manager) : manager_(manager.get()) {}
  budgeted_message(const con_msg_man_ptr& manager, websocketpp::frame::opcode::value op,
                   size_t size = 128)
    : manager_(manager.get()), opcode_(op) {
    payload_.reserve(std::min(size, max_initial_reserve));
  }
  ~budgeted_message() { settle(); }
  budgeted_message(const budgeted_message&) = delete;
  budgeted_message& operator=(const budgeted_message&) = delete;

  // -- websocketpp's interface ---------------------------------------------------

  bool get_prepared() const { return prepared_; }
  void set_prepared(bool v) { prepared_ = v; }
  bool get_compressed() const { return compressed_; }
  void set_compressed(bool v) { compressed_ = v; }
  bool get_terminal() const { return terminal_; }
  void set_terminal(bool v) { terminal_ = v; }
  bool get_fin() const { return fin_; }
  void set_fin(bool v) { fin_ = v; }
  websocketpp::frame::opcode::value get_opcode() const { return opcode_; }
  void set_opcode(websocketpp::frame::opcode::value op) { opcode_ = op; }
  const std::string& get_header() const { return header_; }
  void set_header(const std::string& header) { header_ = header; }
  const std::string& get_extension_data() const { return extension_data_; }
  const std::string& get_payload() const { return payload_; }
  /// websocketpp calls this before appending each read chunk: charge what
  /// arrived since the last call.
  std::string& get_raw_payload() {
    if (link_ && !account()) {
      link_->discard.clear();
      return link_->discard;
    }
    return payload_;
  }
  void set_payload(const std::string& payload) { payload_ = payload; }
  void set_payload(const void* payload, size_t len) {
    payload_.assign(static_cast<const char*>(payload), len);
  }
  void append_payload(const std::string& payload) { payload_.append(payload); }
  void append_payload(const void* payload, size_t len) {
    payload_.append(static_cast<const char*>(payload), len);
  }
  bool recycle() { return false; }

  // -- ours -----------------------------------------------------------------------

  /// The manager that made this message (valid while its connection lives).
  budgeted_manager* manager() const { return manager_; }
  /// Whether the message was dropped for overdrawing the budget: its
  /// contents are gone and it must not be delivered.
  bool dropped() const { return link_ && link_->exceeded; }
  /// Gives the charge back and hands the payload over (a complete message).
  std::string take_payload() {
    settle();
    return std::move(payload_);
  }
  /// Sets the header and payload of a frame prepared by the caller, so
  /// websocketpp writes it as is (no copy, no second message).
  void set_prepared_frame(std::string header, std::string payload) {
    header_ = std::move(header);
    payload_ = std::move(payload);
    prepared_ = true;
  }

private:
  friend class budgeted_manager;

  /// Returns false once the link overdrew (this message or another of its
  /// connection's).
  bool account() {
    if (link_->exceeded)
      return false;
    const size_t size = payload_.size();
    if (size <= charged_)
      return true;
    if (link_->budget->charge(size - charged_)) {
      charged_ = size;
      link_->last_chunk = std::chrono::steady_clock::now();
      return true;
    }
    link_->exceeded = true;
    settle();
    std::string().swap(payload_); // the memory goes back now, not at close
    if (auto notify = std::move(link_->on_exceeded)) {
      link_->on_exceeded = nullptr;
      notify();
    }
    return false;
  }

  void settle() {
    if (link_ && charged_ > 0)
      link_->budget->release(charged_);
    charged_ = 0;
  }

  budgeted_manager* manager_ = nullptr;
  std::shared_ptr<budget_link> link_; ///< set on incoming data messages only
  size_t charged_ = 0;
  std::string header_;
  std::string extension_data_;
  std::string payload_;
  websocketpp::frame::opcode::value opcode_ = websocketpp::frame::opcode::text;
  bool prepared_ = false;
  bool fin_ = true;
  bool terminal_ = false;
  bool compressed_ = false;
};

/// websocketpp's `con_msg_manager_type`: one per connection, created by the
/// connection itself; attach_budget() gives it the connection's link.
class budgeted_manager : public std::enable_shared_from_this<budgeted_manager> {
public:
  using type = budgeted_manager;
  using ptr = std::shared_ptr<budgeted_manager>;
  using weak_ptr = std::weak_ptr<budgeted_manager>;
  using message_ptr = budgeted_message::ptr;

  /// Outgoing frames and control replies: never charged.
  message_ptr get_message() { return std::make_shared<budgeted_message>(shared_from_this()); }
  /// What the frame parser asks for when a message starts (websocketpp's
  /// connection also uses it to send strings, which we never do).
  message_ptr get_message(websocketpp::frame::opcode::value op, size_t size) {
    auto msg = std::make_shared<budgeted_message>(shared_from_this(), op, size);
    msg->link_ = link_;
    return msg;
  }
  bool recycle(budgeted_message*) { return false; }

  void set_link(std::shared_ptr<budget_link> link) { link_ = std::move(link); }

  /// Whether the connection has a transport read in flight (see
  /// wspp_read_guard.hpp): a flag here rather than a set entry per connection.
  bool read_in_flight = false;

private:
  std::shared_ptr<budget_link> link_;
};

/// Charges every message `con` receives from now on to `link`. The manager
/// is private to the connection; a message it makes leads to it.
template <class ConnectionPtr>
void attach_budget(const ConnectionPtr& con, std::shared_ptr<budget_link> link) {
  auto probe = con->get_message(websocketpp::frame::opcode::binary, 0);
  probe->manager()->set_link(std::move(link));
}

} // namespace temblor::connectors::ws
