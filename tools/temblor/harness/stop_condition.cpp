#include "tools/temblor/harness/stop_condition.hpp"

#include <algorithm>
#include <csignal>
#include <thread>

namespace temblor::harness {

namespace {

volatile std::sig_atomic_t interrupt_flag = 0;
struct sigaction previous_int;
struct sigaction previous_term;
struct sigaction previous_quit;

void on_interrupt(int) {
  interrupt_flag = 1;
}

} // namespace

bool interrupted() {
  return interrupt_flag != 0;
}

bool stop_condition::should_stop() const {
  return (interruptible_ && interrupted()) || expired();
}

bool stop_condition::sleep_for(std::chrono::milliseconds d) const {
  auto until = clock::now() + d;
  // Sleep in short slices so an interrupt or the deadline ends the wait promptly.
  while (clock::now() < until) {
    if (should_stop())
      return false;
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(until - clock::now());
    std::this_thread::sleep_for(std::min(left, std::chrono::milliseconds{20}));
  }
  return !should_stop();
}

interrupt_guard::interrupt_guard() {
  interrupt_flag = 0;
  struct sigaction sa {};
  sa.sa_handler = on_interrupt;
  sigemptyset(&sa.sa_mask);
  sigaction(SIGINT, &sa, &previous_int);
  sigaction(SIGTERM, &sa, &previous_term);
  sigaction(SIGQUIT, &sa, &previous_quit);
}

interrupt_guard::~interrupt_guard() {
  sigaction(SIGINT, &previous_int, nullptr);
  sigaction(SIGTERM, &previous_term, nullptr);
  sigaction(SIGQUIT, &previous_quit, nullptr);
}

} // namespace temblor::harness
