// kafka_mock: hosts librdkafka's built-in mock cluster (a real Kafka protocol
// peer, several brokers on loopback ports) for tests and benchmarks, so they
// need no broker installation.
//
//   kafka_mock [--brokers N] [--topic NAME:PARTITIONS]...
//
// Prints `bootstrap <host:port,...>` on stdout once the cluster is up, then
// reads commands from stdin, one a line, answering `ok <command>` or
// `error <why>`:
//   down [ID]   disconnects broker ID (all brokers without ID), refusing new connections
//   up [ID]     accepts connections again
//   topic NAME:PARTITIONS   creates a topic
//   quit        exits (so does EOF on stdin, SIGTERM and SIGINT)

#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <sstream>
#include <string>
#include <vector>

#include <poll.h>
#include <unistd.h>

#include <librdkafka/rdkafka.h>
#include <librdkafka/rdkafka_mock.h>

namespace {

volatile std::sig_atomic_t stop_requested = 0;

void on_signal(int) { stop_requested = 1; }

bool create_topic(rd_kafka_mock_cluster_t* cluster, int brokers, const std::string& spec,
                  std::string& err) {
  auto colon = spec.rfind(':');
  std::string name = spec.substr(0, colon);
  int partitions = colon == std::string::npos ? 1 : std::atoi(spec.c_str() + colon + 1);
  if (name.empty() || partitions <= 0) {
    err = "topic must be NAME:PARTITIONS, got `" + spec + "`";
    return false;
  }
  auto rc = rd_kafka_mock_topic_create(cluster, name.c_str(), partitions, brokers < 3 ? brokers : 3);
  if (rc != RD_KAFKA_RESP_ERR_NO_ERROR) {
    err = "cannot create topic " + name + ": " + rd_kafka_err2str(rc);
    return false;
  }
  return true;
}

std::string run_command(rd_kafka_mock_cluster_t* cluster, int brokers, const std::string& line) {
  std::istringstream in(line);
  std::string verb, arg;
  in >> verb >> arg;
  int32_t id = arg.empty() ? -1 : std::atoi(arg.c_str());
  rd_kafka_resp_err_t rc = RD_KAFKA_RESP_ERR_NO_ERROR;
  if (verb == "down") {
    // set_down takes one broker; -1 is not accepted by every version.
    for (int32_t b = 1; b <= brokers; ++b)
      if (id < 0 || b == id)
        rc = rd_kafka_mock_broker_set_down(cluster, b);
  } else if (verb == "up") {
    for (int32_t b = 1; b <= brokers; ++b)
      if (id < 0 || b == id)
        rc = rd_kafka_mock_broker_set_up(cluster, b);
  } else if (verb == "topic") {
    std::string err;
    if (!create_topic(cluster, brokers, arg, err))
      return "error " + err;
  } else {
    return "error unknown command `" + verb + "` (down, up, topic, quit)";
  }
  if (rc != RD_KAFKA_RESP_ERR_NO_ERROR)
    return std::string("error ") + rd_kafka_err2str(rc);
  return "ok " + line;
}

} // namespace

int main(int argc, char** argv) {
  int brokers = 3;
  std::vector<std::string> topics;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    if (a == "--brokers" && i + 1 < argc)
      brokers = std::atoi(argv[++i]);
    else if (a == "--topic" && i + 1 < argc)
      topics.push_back(argv[++i]);
    else {
      std::cerr << "usage: kafka_mock [--brokers N] [--topic NAME:PARTITIONS]...\n";
      return 2;
    }
  }
  if (brokers <= 0) {
    std::cerr << "kafka_mock: --brokers must be at least 1\n";
    return 2;
  }
  std::signal(SIGTERM, on_signal);
  std::signal(SIGINT, on_signal);
  std::signal(SIGPIPE, SIG_IGN);

  char errstr[512];
  rd_kafka_conf_t* conf = rd_kafka_conf_new();
  rd_kafka_conf_set(conf, "log_level", "3", errstr, sizeof errstr);
  rd_kafka_t* rk = rd_kafka_new(RD_KAFKA_PRODUCER, conf, errstr, sizeof errstr);
  if (!rk) {
    std::cerr << "kafka_mock: " << errstr << "\n";
    return 1;
  }
  rd_kafka_mock_cluster_t* cluster = rd_kafka_mock_cluster_new(rk, brokers);
  if (!cluster) {
    std::cerr << "kafka_mock: cannot start the mock cluster\n";
    rd_kafka_destroy(rk);
    return 1;
  }
  for (const auto& t : topics) {
    std::string err;
    if (!create_topic(cluster, brokers, t, err)) {
      std::cerr << "kafka_mock: " << err << "\n";
      return 2;
    }
  }
  std::cout << "bootstrap " << rd_kafka_mock_cluster_bootstraps(cluster) << std::endl;

  std::string pending;
  while (!stop_requested) {
    pollfd p{0, POLLIN, 0};
    int n = ::poll(&p, 1, 200);
    if (n <= 0)
      continue;
    char buf[1024];
    ssize_t got = ::read(0, buf, sizeof buf);
    if (got <= 0)
      break;
    pending.append(buf, static_cast<size_t>(got));
    bool quit = false;
    for (auto nl = pending.find('\n'); nl != std::string::npos; nl = pending.find('\n')) {
      std::string line = pending.substr(0, nl);
      pending.erase(0, nl + 1);
      if (line.empty())
        continue;
      if (line == "quit") {
        quit = true;
        break;
      }
      std::cout << run_command(cluster, brokers, line) << std::endl;
    }
    if (quit)
      break;
  }
  rd_kafka_mock_cluster_destroy(cluster);
  rd_kafka_destroy(rk);
  return 0;
}
