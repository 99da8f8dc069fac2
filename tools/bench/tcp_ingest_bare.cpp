// The floor for tcp_ingest.sh: one Asio thread accepts newline-delimited
// TCP connections, parses each line with RapidJSON, serializes it again and
// appends it to a file through a 1 MiB buffer. What Temblor's tcp_server ->
// separate -> json -> passthrough -> json -> file flow does, with nothing
// else around it.
//   tcp_ingest_bare PORT OUTFILE
#include <asio.hpp>
#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <cstdio>
#include <memory>
#include <string>
#include <vector>

namespace {

struct sink {
  FILE* f;
  std::string out;
  rapidjson::Document doc;
  rapidjson::StringBuffer sb;

  void line(const char* p, size_t n) {
    if (n == 0)
      return;
    doc.Parse(p, n);
    if (doc.HasParseError()) {
      std::fprintf(stderr, "tcp_ingest_bare: a line is not JSON\n");
      return;
    }
    sb.Clear();
    rapidjson::Writer<rapidjson::StringBuffer> w(sb);
    doc.Accept(w);
    out.append(sb.GetString(), sb.GetSize());
    out.push_back('\n');
    // A reused Document's pool keeps every parse's memory until cleared
    // (the reader grew to 300 MB on 200,000 lines); ../shared's peers do the same.
    doc.SetNull();
    doc.GetAllocator().Clear();
    if (out.size() > (1 << 20))
      flush();
  }
  void flush() {
    fwrite(out.data(), 1, out.size(), f);
    fflush(f);
    out.clear();
  }
};

struct connection : std::enable_shared_from_this<connection> {
  connection(asio::ip::tcp::socket s, sink& k) : socket(std::move(s)), out(k), buf(1 << 16) {}

  void read() {
    socket.async_read_some(asio::buffer(buf), [self = shared_from_this()](asio::error_code ec,
                                                                          size_t n) {
      if (ec) {
        self->out.line(self->carry.data(), self->carry.size());
        self->out.flush();
        return;
      }
      size_t start = 0;
      for (size_t i = 0; i < n; ++i) {
        if (self->buf[i] != '\n')
          continue;
        if (self->carry.empty()) {
          self->out.line(self->buf.data() + start, i - start);
        } else {
          self->carry.append(self->buf.data() + start, i - start);
          self->out.line(self->carry.data(), self->carry.size());
          self->carry.clear();
        }
        start = i + 1;
      }
      self->carry.append(self->buf.data() + start, n - start);
      self->read();
    });
  }

  asio::ip::tcp::socket socket;
  sink& out;
  std::vector<char> buf;
  std::string carry;
};

void accept(asio::ip::tcp::acceptor& acceptor, sink& out) {
  acceptor.async_accept([&](asio::error_code ec, asio::ip::tcp::socket s) {
    if (!ec)
      std::make_shared<connection>(std::move(s), out)->read();
    accept(acceptor, out);
  });
}

} // namespace

int main(int argc, char** argv) {
  if (argc != 3) {
    std::fprintf(stderr, "usage: %s PORT OUTFILE\n", argv[0]);
    return 2;
  }
  sink out{std::fopen(argv[2], "w"), {}, {}, {}};
  asio::io_context io(1);
  asio::ip::tcp::acceptor acceptor(
      io, asio::ip::tcp::endpoint(asio::ip::make_address("127.0.0.1"),
                                  static_cast<unsigned short>(std::atoi(argv[1]))));
  acceptor.listen(1024);
  accept(acceptor, out);
  io.run();
}
