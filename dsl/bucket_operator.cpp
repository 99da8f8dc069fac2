#include "dsl/bucket_operator.hpp"

#include <deque>
#include <list>
#include <unordered_map>

#include "dsl/json_text.hpp"

namespace temblor::dsl {

namespace {

// At most `max` hits within the last `slices` slices of `slice_ns` each:
// the window slides by one slice at a time, not event by event.
class sliding_limit {
public:
  sliding_limit(uint64_t slices, uint64_t slice_ns, uint64_t max)
    : slices_(slices ? slices : 1), slice_ns_(slice_ns ? slice_ns : 1), max_(max) {}

  /// Counts a hit at `t` (ns) and returns true, or false when the window is full.
  bool hit(uint64_t t) {
    uint64_t slice = t / slice_ns_;
    while (!counts_.empty() && counts_.front().first + slices_ <= slice) {
      total_ -= counts_.front().second;
      counts_.pop_front();
    }
    if (total_ >= max_)
      return false;
    if (counts_.empty() || counts_.back().first != slice)
      counts_.emplace_back(slice, 0);
    ++counts_.back().second;
    ++total_;
    return true;
  }

private:
  uint64_t slices_;
  uint64_t slice_ns_;
  uint64_t max_;
  uint64_t total_ = 0;
  std::deque<std::pair<uint64_t, uint64_t>> counts_; ///< slice -> hits, oldest first
};

// One class: its limits and an LRU of dimension -> window.
class bucket_class {
public:
  bucket_class(uint64_t rate, uint64_t range_ms, uint64_t windows, size_t cardinality)
    : rate_(rate), slices_(windows ? windows : 1),
      slice_ns_(range_ms * 1000000ULL / (windows ? windows : 1)),
      cardinality_(cardinality ? cardinality : 1) {}

  bool hit(const std::string& dimension, uint64_t t) {
    auto it = windows_.find(dimension);
    if (it == windows_.end()) {
      if (windows_.size() >= cardinality_) {
        windows_.erase(recency_.back());
        recency_.pop_back();
      }
      recency_.push_front(dimension);
      it = windows_.emplace(dimension, entry{sliding_limit(slices_, slice_ns_, rate_), recency_.begin()})
             .first;
    } else {
      recency_.splice(recency_.begin(), recency_, it->second.pos);
    }
    return it->second.limit.hit(t);
  }

private:
  struct entry {
    sliding_limit limit;
    std::list<std::string>::iterator pos;
  };
  uint64_t rate_;
  uint64_t slices_;
  uint64_t slice_ns_;
  size_t cardinality_;
  std::list<std::string> recency_; ///< most recently seen first
  std::unordered_map<std::string, entry> windows_;
};

uint64_t meta_u64(const value& meta, const char* key, uint64_t fallback) {
  uint64_t v = fallback;
  if (const value* x = meta.get(key))
    x->get_u64(v);
  return v;
}

class bucket_op : public op_impl {
public:
  void on_event(const std::string&, event ev, const op_emit& emit) override {
    const value* cls = ev.meta.get("class");
    if (!cls || !cls->is_string()) {
      emit("err", std::move(ev));
      return;
    }
    auto it = classes_.find(cls->as_string());
    if (it == classes_.end()) {
      uint64_t rate = 0;
      const value* r = ev.meta.get("rate");
      if (!r || !r->get_u64(rate)) {
        emit("err", std::move(ev));
        return;
      }
      bucket_class c(rate, meta_u64(ev.meta, "time_range", 1000), meta_u64(ev.meta, "windows", 100),
                     meta_u64(ev.meta, "cardinality", 1000));
      it = classes_.emplace(cls->as_string(), std::move(c)).first;
    }
    const value* dims = ev.meta.get("dimensions");
    std::string key = dims ? to_json(*dims, true) : "null";
    uint64_t t = ev.ingest_ns ? ev.ingest_ns : now_ns();
    emit(it->second.hit(key, t) ? "out" : "overflow", std::move(ev));
  }

private:
  std::unordered_map<std::string, bucket_class> classes_;
};

} // namespace

std::unique_ptr<op_impl> make_bucket_operator() { return std::make_unique<bucket_op>(); }

} // namespace temblor::dsl
