#include "runtime/system/run_flows.hpp"

#include <algorithm>
#include <atomic>
#include <cstring>
#include <csignal>
#include <cstdio>
#include <fstream>
#include <thread>

#include <pthread.h>
#include <sched.h>
#include <unistd.h>

#include <caf/all.hpp>

#include "dsl/deployment.hpp"
#include "runtime/api/api_server.hpp"
#include "runtime/api/caf_deployer_link.hpp"
#include "runtime/deployer/deployer_actor.hpp"
#include "runtime/deployer/deployment_plan.hpp"
#include "runtime/system/log.hpp"

namespace temblor {

namespace {

int fail_load(const dsl::diagnostics& diags) {
  std::fputs(diags.render().c_str(), stderr);
  std::fputs("Error: failed to load the deployment\n"
             "We are SHUTTING DOWN due to errors during initialization!\n",
             stderr);
  return 1;
}

/// Turns SIGINT/SIGTERM (graceful) and SIGQUIT (at once) into messages to
/// the deployer. Runs on its own thread; the signals are blocked elsewhere.
/// The destructor wakes it with SIGUSR2 aimed at the thread; it ends only
/// when `done_` is set, so a user's SIGUSR2 never leaves SIGTERM unheard.
/// (It used to find out on its 100 ms tick, which every `temblor run` paid
/// at exit.)
class signal_forwarder {
public:
  explicit signal_forwarder(deployer_actor deployer) {
    thread_ = std::thread([this, deployer] {
      sigset_t set = handled();
      timespec tick{0, 100'000'000};
      while (!done_.load()) {
        int sig = sigtimedwait(&set, nullptr, &tick);
        if (sig < 0 || done_.load())
          continue; // timeout, EINTR or the destructor's wake-up
        if (sig == SIGUSR1 || sig == SIGUSR2) {
          log::info(std::string("ignoring ") + strsignal(sig) +
                    " (SIGTERM or SIGINT stop Temblor gracefully, SIGQUIT at once)");
          continue;
        }
        log::info(std::string("received ") + (sig == SIGQUIT ? "SIGQUIT" : sig == SIGINT ? "SIGINT" : "SIGTERM"));
        // An operator's stop: sources stop reading at once, what was read
        // still reaches the sinks (SIGQUIT: nothing waits).
        caf::anon_send(deployer, atom::stop_atom_v, sig != SIGQUIT, false);
      }
    });
  }
  ~signal_forwarder() {
    done_ = true;
    pthread_kill(thread_.native_handle(), SIGUSR2);
    thread_.join();
  }

  /// Blocks the handled signals in the calling thread and every thread it
  /// starts later; call before the actor system exists.
  static void block() {
    sigset_t set = handled();
    pthread_sigmask(SIG_BLOCK, &set, nullptr);
  }

private:
  static sigset_t handled() {
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGINT);
    sigaddset(&set, SIGTERM);
    sigaddset(&set, SIGQUIT);
    sigaddset(&set, SIGUSR1);
    sigaddset(&set, SIGUSR2);
    return set;
  }

  std::atomic<bool> done_{false};
  std::thread thread_;
};

/// Returns the CPUs this process may run on (taskset, cgroups' cpusets).
size_t usable_cpus() {
  cpu_set_t set;
  CPU_ZERO(&set);
  if (sched_getaffinity(0, sizeof(set), &set) == 0 && CPU_COUNT(&set) > 0)
    return static_cast<size_t>(CPU_COUNT(&set));
  return std::max<unsigned>(1, std::thread::hardware_concurrency());
}

/// Runs CAF's threads under SCHED_BATCH: a woken worker then waits for the
/// thread that woke it to block or use up its slice instead of preempting it.
/// An I/O thread that reads a burst of frames thus queues all of them before
/// the connector actor runs, and the actor handles them as one batch; with
/// the default policy each frame's wake-up switched threads at once (on one
/// CPU: ws echo 100 connections +18%).
class batch_policy_hook final : public caf::thread_hook {
public:
  void init(caf::actor_system&) override {}
  void thread_started() override {
    sched_param param{};
    param.sched_priority = 0;
    // Best effort: without it only the batching gets smaller.
    (void)pthread_setschedparam(pthread_self(), SCHED_BATCH, &param);
  }
  void thread_terminates() override {}
};

/// Fits CAF's work-stealing scheduler to event traffic. Its defaults start
/// at least four workers, and an idle worker polls every 50 us for 25 ms
/// before it sleeps; with a few cores (or a server pinned to one) the
/// pollers and extra workers take CPU from the actors that have work, and
/// every message between them costs a context switch. One worker per usable
/// CPU (at least two, so a slow handler never stalls everything) that goes
/// straight from a short spin to its condition variable keeps the
/// connector -> pipeline -> connector chain of one batch on one thread.
void tune_scheduler(caf::actor_system_config& cfg) {
  cfg.set("scheduler.max-threads", std::max<size_t>(2, usable_cpus()));
  cfg.set("work-stealing.moderate-poll-attempts", size_t{0});
  cfg.add_thread_hook<batch_policy_hook>();
}

} // namespace

int run_flows(const run_options& options) {
  dsl::diagnostics diags;
  dsl::deployment deployment;
  dsl::load_options load;
  load.module_path = dsl::module_path_from_env();
  for (const auto& file : options.files)
    dsl::load_troy_file(file, load, deployment, diags);
  if (diags.has_errors())
    return fail_load(diags);
  auto plan = std::make_shared<deployment_plan>();
  plan_options plan_opts;
  plan_opts.debug_connectors = options.debug_connectors;
  if (!make_plan(deployment, plan_opts, *plan, diags))
    return fail_load(diags);
  for (const auto& d : diags.all())
    std::fputs(dsl::render(d).c_str(), stderr);
  if (options.check_only) {
    bool ok = true;
    for (const auto& c : plan->connectors) {
      std::string err;
      if (!c.impl->check(err)) {
        std::fprintf(stderr, "error: [%s] %s\n", c.alias.c_str(), err.c_str());
        ok = false;
      }
    }
    if (!ok)
      return 1;
    std::printf("%zu flow(s), %zu connector(s), %zu pipeline(s): ok\n", plan->flows.size(),
                plan->connectors.size(), plan->pipelines.size());
    return 0;
  }

  if (options.pid_file) {
    std::ofstream pid(*options.pid_file, std::ios::trunc);
    pid << getpid() << "\n";
  }
  // A peer closing its socket must not kill the process.
  std::signal(SIGPIPE, SIG_IGN);
  signal_forwarder::block();
  plan->keep_serving = options.keep_serving;
  auto exit_code = std::make_shared<int>(0);
  {
    // The pools outlive the actor system: connectors stop (and let go of
    // their loops) before the system's destructor returns.
    io::pools pools(options.io_threads ? options.io_threads : io::default_io_threads(),
                    io::default_blocking_threads,
                    [](const std::string& what) { log::error(what); });
    plan->services = pools.get();
    caf::actor_system_config cfg;
    cfg.set("logger.verbosity", caf::atom("quiet"));
    tune_scheduler(cfg);
    caf::actor_system system{cfg};
    // Bound before the flows deploy, so a taken port stops the start here.
    std::unique_ptr<api::api_server> api;
    if (options.api_host) {
      api::service_settings settings;
      settings.instance = options.instance;
      settings.version = options.version;
#ifndef NDEBUG
      settings.debug_build = true;
#endif
      settings.stats = plan->stats;
      settings.graphs = api::flow_graphs(deployment);
      std::string err;
      api = api::api_server::start(plan->services.io->next(), *options.api_host, std::move(settings), err);
      if (!api) {
        log::error("cannot start the REST API on " + *options.api_host + ": " + err);
        if (options.pid_file)
          std::remove(options.pid_file->c_str());
        return 2;
      }
      log::info("REST API listening on http://" + api->address() + " (status page at /, metrics at /metrics)");
    }
    auto root = system.spawn(deployer, plan, exit_code);
    plan.reset();
    if (api)
      api->attach(std::make_shared<api::caf_deployer_link>(system, root, std::chrono::seconds(2)));
    signal_forwarder forwarder{root};
    caf::scoped_actor waiter{system};
    waiter->wait_for(root);
  }
  if (options.pid_file)
    std::remove(options.pid_file->c_str());
  return *exit_code;
}

} // namespace temblor
