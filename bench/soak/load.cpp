#include "bench/soak/load.hpp"

#include "bench/soak/http_client.hpp"
#include "bench/soak/json_fields.hpp"

#include <boost/json/parse.hpp>

#include <chrono>
#include <thread>

namespace soak {

namespace http = boost::beast::http;
namespace json = boost::json;

namespace {

constexpr std::size_t recent_jobs_kept = 64;

/// Picks one item at random.
template <class T>
const T& any_of(const std::vector<T>& items, std::mt19937& random) {
  return items[std::uniform_int_distribution<std::size_t>{0, items.size() - 1}(random)];
}

/// The ids of a list answer's `items` (empty when the answer is not a list).
std::vector<std::string> item_ids(const reply& r) {
  std::vector<std::string> ids;
  if (r.status != 200)
    return ids;
  boost::system::error_code ec;
  const auto value = json::parse(r.body, ec);
  if (ec)
    return ids;
  for (const auto& item : items_of(value))
    if (auto id = string_field(item, "id"); !id.empty())
      ids.push_back(std::move(id));
  return ids;
}

/// One worker's connection and choices.
class worker {
public:
  worker(std::uint16_t port, const fleet& machines, ledger& book, unsigned seed)
      : client_("127.0.0.1", port), fleet_(machines), ledger_(book), random_(seed) {}

  void one_operation() {
    const int roll = std::uniform_int_distribution{0, 99}(random_);
    if (roll < 35)
      create_rest();
    else if (roll < 50)
      create_cim();
    else if (roll < 62)
      create_collection();
    else if (roll < 72)
      cancel();
    else if (roll < 84)
      destroy();
    else if (roll < 88)
      destroy_collection();
    else
      read();
  }

private:
  /// Sends, counts the answer under `op`, and remembers the job of a 202.
  reply send(const std::string& op, http::verb method, const std::string& target,
             const std::string& body = {}) {
    auto r = client_.send(method, target, body);
    ledger_.count(op, r.status);
    if (r.status == 202)
      acknowledge_rest_job(r);
    return r;
  }

  void acknowledge_rest_job(const reply& r) {
    boost::system::error_code ec;
    const auto value = json::parse(r.body, ec);
    if (!ec)
      if (auto id = string_field(value, "id"); !id.empty())
        ledger_.acknowledged(id);
  }

  std::size_t pick_system() {
    return std::uniform_int_distribution<std::size_t>{0, fleet_.systems.size() - 1}(random_);
  }

  /// RCT, or log for a machine with replication one time in three.
  bool use_log(std::size_t system) {
    return fleet_.log_capable[system] && std::uniform_int_distribution{0, 2}(random_) == 0;
  }

  void create_rest() {
    const auto i = pick_system();
    send("create", http::verb::post, "/api/v1/systems/" + fleet_.systems[i] + "/reference-points",
         use_log(i) ? R"({"type":"log"})" : R"({"type":"rct","consistencyLevel":"crash"})");
  }

  void create_cim() {
    const auto i = pick_system();
    const std::string body = R"({"AffectedSystem":")" + fleet_.systems[i] +
                             R"(","ReferencePointType":)" + (use_log(i) ? "0" : "1") +
                             R"(,"ReferencePointSettings":{"ElementName":"soak"}})";
    auto r =
      client_.send(http::verb::post,
                   "/cim/v2/Msvm_VirtualSystemReferencePointService/CreateReferencePoint", body);
    if (r.status != 200) {
      ledger_.count("create-cim", r.status);
      return;
    }
    boost::system::error_code ec;
    const auto value = json::parse(r.body, ec);
    const auto code = ec ? -1 : int_field(value, "ReturnValue");
    // Counted by ReturnValue: 4096 job started, 32774 in use; others are unexpected.
    ledger_.count("create-cim", static_cast<int>(code));
    if (code == 4096)
      if (auto id = key_value(string_field(value, "Job")); !id.empty())
        ledger_.acknowledged(id);
  }

  void create_collection() {
    send("collection", http::verb::post,
         "/api/v1/collections/" + any_of(fleet_.collections, random_) + "/reference-points",
         R"({"type":"rct"})");
  }

  void cancel() {
    const auto job = ledger_.recent_job(random_);
    if (job.empty())
      return;
    const bool kill = std::uniform_int_distribution{0, 1}(random_) == 1;
    send("cancel", http::verb::post,
         "/api/v1/jobs/" + job + "/cancel?mode=" + (kill ? "kill" : "terminate"));
  }

  void destroy() {
    const auto& system = fleet_.systems[pick_system()];
    const auto ids =
      item_ids(send("list", http::verb::get, "/api/v1/systems/" + system + "/reference-points"));
    if (!ids.empty())
      send("destroy", http::verb::delete_, "/api/v1/reference-points/" + any_of(ids, random_));
  }

  void destroy_collection() {
    const auto ids = item_ids(
      send("list", http::verb::get,
           "/api/v1/collections/" + any_of(fleet_.collections, random_) + "/reference-points"));
    if (!ids.empty())
      send("destroy-collection", http::verb::delete_,
           "/api/v1/reference-point-collections/" + any_of(ids, random_));
  }

  void read() {
    if (std::uniform_int_distribution{0, 1}(random_) == 0) {
      send("read", http::verb::get, "/api/v1/jobs?limit=50");
      return;
    }
    const auto job = ledger_.recent_job(random_);
    if (!job.empty())
      send("read", http::verb::get, "/cim/v2/Msvm_ConcreteJob/" + job);
  }

  http_client client_;
  const fleet& fleet_;
  ledger& ledger_;
  std::mt19937 random_;
};

} // namespace

void ledger::count(const std::string& op, int status) {
  std::lock_guard lock{mutex_};
  ++answers_[op][status];
}

void ledger::acknowledged(const std::string& job_id) {
  std::lock_guard lock{mutex_};
  acknowledged_.insert(job_id);
  if (recent_.size() < recent_jobs_kept)
    recent_.push_back(job_id);
  else
    recent_[recent_next_++ % recent_jobs_kept] = job_id;
}

std::string ledger::recent_job(std::mt19937& random) const {
  std::lock_guard lock{mutex_};
  return recent_.empty() ? std::string{} : any_of(recent_, random);
}

std::set<std::string> ledger::acknowledged_jobs() const {
  std::lock_guard lock{mutex_};
  return acknowledged_;
}

std::map<std::string, std::map<int, std::uint64_t>> ledger::answers() const {
  std::lock_guard lock{mutex_};
  return answers_;
}

void run_worker(std::uint16_t port, const fleet& machines, ledger& book, unsigned seed,
                std::chrono::milliseconds mean_pause, const std::atomic<bool>& stop) {
  worker w{port, machines, book, seed};
  std::mt19937 random{seed ^ 0x5eedu};
  std::uniform_int_distribution<long> pause{0, 2 * mean_pause.count()};
  while (!stop) {
    w.one_operation();
    std::this_thread::sleep_for(std::chrono::milliseconds{pause(random)});
  }
}

} // namespace soak
