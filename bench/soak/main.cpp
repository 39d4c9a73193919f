/// bench_soak: runs refpointd under a bounded mixed load for a set time while restarting it at
/// random (SIGKILL or SIGTERM), then checks what must hold (docs/RELIABILITY.md):
/// every job terminal, every acknowledged job still there, the stored reference points
/// exactly those of the completed jobs (also after one more restart), and every subscriber's
/// event stream gap-free and duplicate-free across all its reconnections.
///
/// Usage: bench_soak [--duration S] [--workers N] [--subscribers N] [--systems N]
///                   [--pause-ms MS] [--restart-min S] [--restart-max S] [--seed N]
///                   [--refpointd PATH] [--out DIR]
/// Writes refpointd.toml, refpoint.db, refpointd.log, rss.csv (one sample every 5 s) and
/// report.txt into DIR (default: a new directory under /tmp; a previous run's files there
/// are replaced). Exits 1 when an invariant is
/// broken, 2 on bad usage or when the server cannot be started.

#include "bench/soak/http_client.hpp"
#include "bench/soak/invariants.hpp"
#include "bench/soak/load.hpp"
#include "bench/soak/server_process.hpp"
#include "bench/soak/stream_subscriber.hpp"

#include <boost/json/serialize.hpp>

#include <algorithm>
#include <atomic>
#include <charconv>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <memory>
#include <sstream>
#include <thread>

namespace {

namespace fs = std::filesystem;
namespace http = boost::beast::http;
using namespace std::chrono_literals;
using soak_clock = std::chrono::steady_clock;

struct options {
  long duration_s = 60;
  long workers = 4;
  long subscribers = 6;
  long systems = 12;
  long pause_ms = 200;
  long restart_min_s = 10;
  long restart_max_s = 40;
  long seed = 1;
  std::string refpointd;
  std::string out;
};

std::optional<options> parse_options(int argc, char** argv) {
  options o;
  o.refpointd = (fs::path{argv[0]}.parent_path() / "refpointd").string();
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string_view key = argv[i];
    const std::string value = argv[i + 1];
    if (key == "--refpointd") {
      o.refpointd = value;
      continue;
    }
    if (key == "--out") {
      o.out = value;
      continue;
    }
    long number = 0;
    const auto [end, ec] = std::from_chars(value.data(), value.data() + value.size(), number);
    if (ec != std::errc{} || end != value.data() + value.size() || number < 0) {
      std::cerr << "bench_soak: " << key << ": expected a number, got '" << value << "'\n";
      return std::nullopt;
    }
    if (key == "--duration")
      o.duration_s = number;
    else if (key == "--workers")
      o.workers = number;
    else if (key == "--subscribers")
      o.subscribers = number;
    else if (key == "--systems")
      o.systems = std::max(number, 3L);
    else if (key == "--pause-ms")
      o.pause_ms = number;
    else if (key == "--restart-min")
      o.restart_min_s = std::max(number, 1L);
    else if (key == "--restart-max")
      o.restart_max_s = number;
    else if (key == "--seed")
      o.seed = number;
    else {
      std::cerr << "bench_soak: unknown option " << key << "\n";
      return std::nullopt;
    }
  }
  if (argc % 2 == 0) {
    std::cerr << "bench_soak: " << argv[argc - 1] << " needs a value\n";
    return std::nullopt;
  }
  o.restart_max_s = std::max(o.restart_max_s, o.restart_min_s);
  return o;
}

/// The soak's GUIDs: `5041A000-0000-4000-8000-00000000000N`.
std::string soak_guid(unsigned kind, long n) {
  char text[64];
  std::snprintf(text, sizeof text, "5041A00%u-0000-4000-8000-%012ld", kind, n);
  return text;
}

void write_config(const fs::path& dir) {
  std::ofstream toml{dir / "refpointd.toml"};
  toml << "log_level = \"warning\"\n"
       << "[storage]\ndb = \"" << (dir / "refpoint.db").string() << "\"\n"
       << "[jobs]\ntime_before_removal_s = 86400\n"
       // Far more than the run makes: the final check replays the whole stream.
       << "[events]\nretention = 50000000\nqueue_limit = 500\n";
}

/// Registers the machines (one in eight fails every scan at 60 %) and overlapping
/// three-member collections.
std::optional<soak::fleet> create_fleet(std::uint16_t port, long systems, std::string& error) {
  soak::http_client client{"127.0.0.1", port};
  soak::fleet fleet;
  constexpr long gib = 1L << 30;
  for (long i = 0; i < systems; ++i) {
    const auto name = soak_guid(0, i);
    const bool replication = i % 4 != 3;
    std::ostringstream body;
    body << R"({"name":")" << name << R"(","elementName":"soak-)" << i
         << R"(","replicationEnabled":)" << (replication ? "true" : "false")
         << R"(,"disks":[{"id":"os","backend":"sim","changeTracking":true,"sizeBytes":)"
         << (1 + i % 3) * gib / 2 << (i % 8 == 7 ? R"(,"simFailAt":0.6)" : "") << "}]}";
    const auto r = client.send(http::verb::post, "/api/v1/systems", body.str());
    if (r.status != 201) {
      error = "POST /api/v1/systems answered " + std::to_string(r.status) + " " + r.body + r.error;
      return std::nullopt;
    }
    fleet.systems.push_back(name);
    fleet.log_capable.push_back(replication);
  }
  for (long c = 0; c + 2 < systems; c += 3) {
    const auto id = soak_guid(1, c);
    const auto member = [&](long k) {
      return '"' + fleet.systems[static_cast<std::size_t>((c + k) % systems)] + '"';
    };
    const std::string body = R"({"id":")" + id + R"(","elementName":"soak-c)" + std::to_string(c) +
                             R"(","members":[)" + member(0) + "," + member(1) + "," + member(2) +
                             "]}";
    const auto r = client.send(http::verb::post, "/api/v1/collections", body);
    if (r.status != 201) {
      error = "POST /api/v1/collections answered " + std::to_string(r.status) + " " + r.body;
      return std::nullopt;
    }
    fleet.collections.push_back(id);
  }
  return fleet;
}

/// Samples the server's RSS and the database size every 5 s into rss.csv.
class rss_sampler {
public:
  rss_sampler(const soak::server_process& server, fs::path dir, const std::atomic<int>& restarts)
      : server_(server), dir_(std::move(dir)), restarts_(restarts), thread_([this] { run(); }) {}
  ~rss_sampler() {
    stop_ = true;
    thread_.join();
  }
  long peak_kib() const { return peak_; }

private:
  void run() {
    std::ofstream csv{dir_ / "rss.csv"};
    csv << "elapsed_s,rss_kib,db_bytes,restarts\n";
    const auto start = soak_clock::now();
    for (auto next = start; !stop_; next += 5s) {
      while (!stop_ && soak_clock::now() < next)
        std::this_thread::sleep_for(100ms);
      std::error_code ec;
      const auto db = fs::file_size(dir_ / "refpoint.db", ec);
      const long rss = server_.rss_kib();
      peak_ = std::max(peak_.load(), rss);
      csv << std::chrono::duration_cast<std::chrono::seconds>(soak_clock::now() - start).count()
          << ',' << rss << ',' << (ec ? 0 : db) << ',' << restarts_.load() << '\n'
          << std::flush;
    }
  }

  const soak::server_process& server_;
  const fs::path dir_;
  const std::atomic<int>& restarts_;
  std::atomic<bool> stop_{false};
  std::atomic<long> peak_{0};
  std::thread thread_;
};

/// Waits until no job is queued or running; the state then, or nothing.
std::optional<soak::server_state> settle(std::uint16_t port, const soak::fleet& fleet,
                                         std::string& error) {
  const auto deadline = soak_clock::now() + 10min;
  while (true) {
    auto state = soak::read_server_state(port, fleet, error);
    if (!state)
      return std::nullopt;
    if (soak::unfinished_jobs(*state) == 0 || soak_clock::now() > deadline)
      return state;
    std::this_thread::sleep_for(1s);
  }
}

} // namespace

int main(int argc, char** argv) {
  const auto opts = parse_options(argc, argv);
  if (!opts)
    return 2;
  fs::path dir = opts->out;
  if (dir.empty()) {
    char pattern[] = "/tmp/refpoint-soak.XXXXXX";
    if (!mkdtemp(pattern))
      return 2;
    dir = pattern;
  }
  fs::create_directories(dir);
  // A run starts from an empty database: forget a previous run's files in DIR.
  for (const char* file : {"refpoint.db", "refpoint.db-wal", "refpoint.db-shm", "refpointd.log",
                           "rss.csv", "report.txt"})
    fs::remove(dir / file);
  write_config(dir);

  std::vector<std::string> broken;
  std::ostringstream report;
  const auto note = [&](const std::string& line) {
    std::cout << line << std::endl;
    report << line << '\n';
  };

  soak::server_process server{{opts->refpointd, (dir / "refpointd.toml").string(),
                               (dir / "refpointd.log").string(), soak::pick_free_port()}};
  std::string error;
  if (!server.start(error)) {
    std::cerr << "bench_soak: " << error << "\n";
    return 2;
  }
  const auto fleet = create_fleet(server.port(), opts->systems, error);
  if (!fleet) {
    std::cerr << "bench_soak: " << error << "\n";
    return 2;
  }
  note("soak: " + std::to_string(opts->duration_s) + " s, " + std::to_string(opts->workers) +
       " workers, " + std::to_string(opts->subscribers) + " subscribers, " +
       std::to_string(fleet->systems.size()) + " machines, " +
       std::to_string(fleet->collections.size()) + " collections, restarts every " +
       std::to_string(opts->restart_min_s) + "-" + std::to_string(opts->restart_max_s) +
       " s; files in " + dir.string());

  std::atomic<bool> stop{false};
  std::atomic<int> restarts{0};
  soak::ledger book;
  std::vector<std::unique_ptr<soak::stream_subscriber>> subscribers;
  std::vector<std::thread> threads;
  for (long i = 0; i < opts->subscribers; ++i) {
    const auto kind = static_cast<soak::pace>(i % 3);
    subscribers.push_back(std::make_unique<soak::stream_subscriber>(
      server.port(), kind, static_cast<unsigned>(opts->seed * 1000 + i)));
    threads.emplace_back([&s = *subscribers.back(), &stop] { s.run(stop); });
  }
  for (long i = 0; i < opts->workers; ++i)
    threads.emplace_back([&, i] {
      soak::run_worker(server.port(), *fleet, book, static_cast<unsigned>(opts->seed * 100 + i),
                       std::chrono::milliseconds{opts->pause_ms}, stop);
    });

  // Chaos: restart the server at random moments until the time is up.
  int killed = 0, terminated = 0;
  std::vector<double> downtimes_ms;
  {
    rss_sampler sampler{server, dir, restarts};
    std::mt19937 random{static_cast<unsigned>(opts->seed)};
    const auto end = soak_clock::now() + std::chrono::seconds{opts->duration_s};
    while (soak_clock::now() < end) {
      const auto next = soak_clock::now() + std::chrono::seconds{std::uniform_int_distribution{
                                              opts->restart_min_s, opts->restart_max_s}(random)};
      std::string how;
      while (soak_clock::now() < std::min(next, end) && server.alive(how))
        std::this_thread::sleep_for(100ms);
      if (!server.alive(how))
        broken.push_back("refpointd ended by itself (" + how + ")");
      else if (soak_clock::now() >= end)
        break;
      else if (std::uniform_int_distribution{0, 1}(random) == 0) {
        server.kill_hard();
        ++killed;
      } else {
        const auto status = server.stop_gracefully(60s);
        ++terminated;
        if (!status || *status != 0)
          broken.push_back("SIGTERM: refpointd " +
                           (status ? "ended with " + soak::describe_status(*status)
                                   : std::string{"did not stop within 60 s"}));
      }
      const auto down = soak_clock::now();
      if (!server.start(error)) {
        broken.push_back("restart failed: " + error);
        break;
      }
      ++restarts;
      downtimes_ms.push_back(
        std::chrono::duration<double, std::milli>(soak_clock::now() - down).count());
    }
    stop = true;
    for (auto& t : threads)
      t.join();
    note("peak RSS " + std::to_string(sampler.peak_kib()) + " KiB (rss.csv)");
  }

  // Invariants: after the jobs settle, and again after one more (graceful) restart.
  auto state = settle(server.port(), *fleet, error);
  std::optional<soak::server_state> again;
  if (state) {
    const auto status = server.stop_gracefully(60s);
    if (!status || *status != 0)
      broken.push_back("final SIGTERM did not end refpointd cleanly");
    if (server.start(error))
      again = soak::read_server_state(server.port(), *fleet, error);
  }
  const auto all = again ? soak::read_full_stream(server.port(), error) : std::nullopt;
  if (!state || !again || !all) {
    broken.push_back("cannot read the server's state: " + error);
  } else {
    for (auto& b : soak::check_invariants(*state, book.acknowledged_jobs(), *all))
      broken.push_back(std::move(b));
    if (again->reference_points != state->reference_points ||
        again->collection_points != state->collection_points ||
        again->jobs.size() != state->jobs.size())
      broken.push_back("the final restart changed the stored reference points or jobs");
  }

  // Report.
  std::ostringstream line;
  std::uint64_t operations = 0;
  for (const auto& [op, statuses] : book.answers()) {
    line.str("");
    line << "  " << op << ":";
    for (const auto& [status, n] : statuses) {
      line << ' ' << (status == 0 ? std::string{"no-answer"} : std::to_string(status)) << '=' << n;
      operations += n;
    }
    note(line.str());
  }
  note("operations " + std::to_string(operations) + ", jobs acknowledged " +
       std::to_string(book.acknowledged_jobs().size()));
  if (state) {
    std::map<std::string, std::size_t> states;
    for (const auto& [id, job] : state->jobs)
      ++states[job.state];
    line.str("");
    line << "jobs " << state->jobs.size() << ":";
    for (const auto& [s, n] : states)
      line << ' ' << s << '=' << n;
    line << "; reference points stored " << state->reference_points.size()
         << ", collection reference points " << state->collection_points.size();
    note(line.str());
  }
  double worst = 0, sum = 0;
  for (double d : downtimes_ms) {
    worst = std::max(worst, d);
    sum += d;
  }
  line.str("");
  line << "restarts " << restarts.load() << " (SIGKILL " << killed << ", SIGTERM " << terminated
       << "), time to ready mean " << (downtimes_ms.empty() ? 0 : sum / double(downtimes_ms.size()))
       << " ms, max " << worst << " ms";
  note(line.str());
  if (all) {
    note("events in the stream " + std::to_string(all->cursors.size()));
    for (const auto& s : subscribers) {
      const auto& log = s->log();
      const auto verdict = soak::check_stream(log, all->cursors);
      line.str("");
      line << "  subscriber (" << soak::to_string(s->kind()) << "): " << log.cursors.size()
           << " events, " << log.connects << " connections, closed for lag " << log.closed_for_lag
           << ", dropped by it " << log.dropped_by_us << ", lost " << log.connection_lost
           << ", refused " << log.refused << (verdict.empty() ? ", gap-free" : ", " + verdict);
      note(line.str());
      if (!verdict.empty())
        broken.push_back("subscriber stream: " + verdict);
      if (log.gone != 0)
        broken.push_back("a subscriber got stream.gone");
    }
  }
  for (const auto& [op, statuses] : book.answers())
    if (statuses.contains(500))
      broken.push_back(op + " answered 500");
  note(broken.empty() ? "all invariants hold" : "BROKEN:");
  for (const auto& b : broken)
    note("  " + b);
  std::ofstream{dir / "report.txt"} << report.str();
  return broken.empty() ? 0 : 1;
}
