#include "app/daemon.hpp"

#include "actors/changes_actor.hpp"
#include "actors/cluster_node.hpp"
#include "actors/file_disks.hpp"
#include "actors/inventory_actor.hpp"
#include "actors/op_error.hpp"
#include "app/cluster_tls.hpp"
#include "app/inventory_file.hpp"
#include "app/recovery.hpp"
#include "persistence/database.hpp"
#include "persistence/query_actor.hpp"
#include "persistence/store_actor.hpp"
#include "protocol/cim_datetime.hpp"
#include "web/gateway.hpp"
#include "web/http_server.hpp"
#include "web/relay_server.hpp"
#include "web/tls_context.hpp"

#include <boost/asio/io_context.hpp>
#include <boost/asio/signal_set.hpp>
#include <caf/all.hpp>
#include <caf/io/middleman.hpp>
#include <caf/openssl/publish.hpp>

#include <csignal>
#include <iostream>
#include <malloc.h>
#include <optional>
#include <thread>

namespace refpoint::app {

namespace {

int fail(const std::string& reason) {
  std::cerr << "refpointd: " << reason << std::endl;
  return 1;
}

/// A setting that cannot be used, as a bad config file is (exit 2).
int fail_config(const std::string& reason) {
  std::cerr << "refpointd: " << reason << std::endl;
  return 2;
}

/// An io_context whose queued handlers can be destroyed before the objects that use it are
/// (`execution_context::shutdown` is protected).
class daemon_io_context : public boost::asio::io_context {
public:
  using io_context::io_context;
  void destroy_pending_handlers() { shutdown(); }
};

void log_info(const config& cfg, const std::string& line) {
  if (cfg.log_level == "info" || cfg.log_level == "debug")
    std::cerr << "refpointd: " << line << std::endl;
}

/// Everything that must exist before actors start: an open, migrated, recovered store.
struct prepared_store {
  persistence::database writer;
  persistence::database reader;
  std::int64_t last_event = 0; ///< the newest stored event: the hub starts after it
  std::vector<protocol::system_info> systems;
  std::vector<protocol::collection_info> collections;
  recovered_jobs jobs;
};

/// The file backend when a storage root is configured; null when none is; a reason when the
/// root is unusable.
std::variant<std::shared_ptr<actors::file_backend>, std::string>
open_file_backend(const config& cfg) {
  if (cfg.root.empty())
    return std::shared_ptr<actors::file_backend>{};
  auto root = actors::storage_root::open(cfg.root);
  if (auto* err = std::get_if<std::string>(&root))
    return "[storage] root: " + *err;
  actors::file_backend_settings s;
  s.block_size = cfg.file_block_size;
  s.fingerprint_threads = cfg.file_fingerprint_threads;
  s.query_threads = cfg.file_query_threads;
  s.max_query_bytes = cfg.file_max_query_bytes;
  return std::make_shared<actors::file_backend>(std::move(std::get<actors::storage_root>(root)), s);
}

/// Seeds the inventory file's systems, checking their file-backed disks as a registration
/// through the API would.
std::optional<std::string> seed_from_file(const config& cfg, persistence::database& writer,
                                          const actors::file_backend* files,
                                          protocol::timestamp_us now) {
  auto seed = load_inventory_file(cfg.inventory);
  if (auto* err = std::get_if<std::string>(&seed))
    return *err;
  auto& systems = std::get<0>(seed);
  for (auto& s : systems)
    if (auto err = actors::register_file_disks(files, s))
      return cfg.inventory + ": system '" + s.name + "': " + actors::describe(err).message;
  auto added = seed_inventory(writer, systems, now);
  log_info(cfg, "inventory: " + std::to_string(added) + " system(s) added");
  return std::nullopt;
}

std::variant<prepared_store, std::string> prepare_store(const config& cfg,
                                                        const actors::file_backend* files) {
  try {
    auto sync =
      cfg.synchronous == "full" ? persistence::sync_mode::full : persistence::sync_mode::normal;
    auto writer = persistence::database::open(cfg.db, false, sync);
    if (cfg.max_size_mb > 0)
      writer.limit_size(std::uint64_t{cfg.max_size_mb} * 1024 * 1024);
    auto now = protocol::now_us();
    if (!cfg.inventory.empty())
      if (auto err = seed_from_file(cfg, writer, files, now))
        return *err;
    auto jobs = recover_jobs(writer, now);
    if (jobs.interrupted > 0 || !jobs.queued.empty())
      log_info(cfg, "recovery: " + std::to_string(jobs.queued.size()) + " queued job(s) resumed, " +
                      std::to_string(jobs.interrupted) + " interrupted job(s) failed");
    auto systems = writer.load_systems();
    auto collections = writer.load_collections();
    // Seeding and recovery stored their events; subscribers replay them from the file.
    writer.take_committed_events();
    const auto last_event = writer.get_event_bounds().newest;
    auto reader = persistence::database::open(cfg.db, true);
    return prepared_store{std::move(writer),  std::move(reader),      last_event,
                          std::move(systems), std::move(collections), std::move(jobs)};
  } catch (const persistence::store_error& e) {
    return std::string{e.what()};
  }
}

actors::runtime_settings settings_of(const config& cfg, std::shared_ptr<actors::file_backend> files,
                                     persistence::query_actor query) {
  actors::runtime_settings s;
  s.query = std::move(query);
  s.files = std::move(files);
  s.sim_bytes_per_second = cfg.sim_bytes_per_second;
  s.sim_progress_interval = std::chrono::milliseconds{cfg.sim_progress_interval_ms};
  s.time_before_removal_s = cfg.time_before_removal_s;
  s.node_name = cfg.node;
  s.member_timeout = std::chrono::milliseconds{cfg.method_timeout_ms};
  s.max_queued_per_system = cfg.max_queued_per_system;
  s.budget = std::make_shared<actors::job_budget>(cfg.max_jobs_in_memory);
  return s;
}

web::server_limits limits_of(const config& cfg) {
  web::server_limits limits;
  limits.max_body_bytes = cfg.max_body_bytes;
  return limits;
}

} // namespace

int run_daemon(const config& cfg) {
  const bool clustered = cfg.cluster_listen || !cfg.peers.empty();
  if (clustered && cfg.node.empty())
    return fail("[cluster] node (--node NAME) is required to join a cluster");
  std::shared_ptr<boost::asio::ssl::context> tls;
  if (!cfg.tls_cert.empty()) {
    auto loaded = web::make_server_tls_context(cfg.tls_cert, cfg.tls_key);
    if (auto* err = std::get_if<std::string>(&loaded))
      return fail_config("[server] " + *err);
    tls = std::get<std::shared_ptr<boost::asio::ssl::context>>(std::move(loaded));
  }
  if (clustered && cluster_tls(cfg))
    if (auto err = check_cluster_tls_files(cfg))
      return fail_config(*err);
  auto backend = open_file_backend(cfg);
  if (auto* err = std::get_if<std::string>(&backend))
    return fail(*err);
  // Declared before the actor system: its threads are joined (`stop`) before the actors go.
  auto files = std::get<std::shared_ptr<actors::file_backend>>(std::move(backend));
  auto prepared = prepare_store(cfg, files.get());
  if (auto* err = std::get_if<std::string>(&prepared))
    return fail(*err);
  auto& store_files = std::get<prepared_store>(prepared);
  // Parsing a large inventory file left freed memory in this thread's malloc arena, which the
  // actor threads (allocating in arenas of their own) would never reuse.
  ::malloc_trim(0);

  // Declared before the actor system, so it outlives every actor that may still hold a
  // responder posting to it.
  daemon_io_context io{static_cast<int>(cfg.io_threads)};
  // Installed before the listening line: a signal right after it must drain, not kill.
  boost::asio::signal_set signals{io, SIGINT, SIGTERM};

  caf::actor_system_config caf_cfg;
  caf_cfg.set("scheduler.max-threads", static_cast<std::size_t>(cfg.actor_threads));
  caf_cfg.set("logger.console-verbosity", caf::atom("quiet"));
  caf_cfg.set("logger.file-verbosity", caf::atom("quiet"));
  if (clustered) {
    caf_cfg.load<caf::io::middleman>();
    if (cluster_tls(cfg))
      load_cluster_tls(caf_cfg, cfg);
    actors::register_cluster_types(caf_cfg);
  }
  caf::actor_system sys{caf_cfg};

  auto hub = std::make_shared<actors::event_hub>(store_files.last_event);
  auto hub_actor = actors::spawn_event_hub_actor(sys, hub);
  auto store = persistence::spawn_store_actor(
    sys, std::move(store_files.writer),
    persistence::store_events{.sink = hub_actor, .retention = cfg.event_retention});
  auto query = persistence::spawn_query_actor(sys, std::move(store_files.reader));
  auto inventory =
    sys.spawn(actors::inventory_actor_impl, std::move(store_files.systems),
              std::move(store_files.collections), store, settings_of(cfg, files, query));
  auto changes = actors::spawn_changes_actor(sys, query, files);
  actors::cluster_settings cluster;
  cluster.self.name = cfg.node;
  for (const auto& peer : cfg.peers)
    cluster.peers.push_back(to_string(peer));
  cluster.tls = cluster_tls(cfg);
  auto node = actors::spawn_cluster_node(
    sys, std::move(cluster), {.inventory = inventory, .store = store, .query = query, .hub = hub});
  // Before any requeued job: a collection job reaches members on other nodes through it.
  if (clustered)
    caf::anon_send(inventory, actors::cluster_atom::value, node);
  // Requeued from one sender, so they reach each system in submission order.
  for (auto& job : store_files.jobs.queued)
    caf::anon_send(inventory, actors::requeue_atom::value, std::move(job));
  // "listening on" means ready: every machine has its actor (100k machines take seconds).
  {
    caf::scoped_actor self{sys};
    self->request(inventory, caf::infinite, actors::ready_atom::value)
      .receive([](actors::ack_atom) {}, [](caf::error&) {});
  }
  auto stop_actors = [&] {
    caf::anon_send_exit(inventory, caf::exit_reason::user_shutdown);
    caf::anon_send_exit(changes, caf::exit_reason::user_shutdown);
    caf::anon_send_exit(node, caf::exit_reason::user_shutdown);
    caf::anon_send_exit(query, caf::exit_reason::user_shutdown);
    caf::anon_send_exit(store, caf::exit_reason::user_shutdown);
    caf::anon_send_exit(hub_actor, caf::exit_reason::user_shutdown);
  };

  auto ctx = std::make_shared<const web::gateway_context>(
    web::gateway_context{.system = sys,
                         .inventory = inventory,
                         .query = query,
                         .changes = changes,
                         .cluster = node,
                         .store = store,
                         .node_name = cfg.node,
                         .clustered = clustered,
                         .method_timeout = std::chrono::milliseconds{cfg.method_timeout_ms},
                         .auth_tokens = cfg.auth_tokens,
                         .cors_origins = cfg.cors_origins,
                         .events = hub,
                         .event_queue_limit = cfg.event_queue_limit,
                         .max_event_subscribers = cfg.event_max_subscribers,
                         .event_ping_interval = std::chrono::seconds{cfg.event_ping_interval_s}});
  web::http_server server{io, limits_of(cfg), web::make_gateway(ctx),
                          web::make_event_stream_gateway(ctx), std::move(tls)};
  auto relay = web::spawn_relay_server(sys, web::make_relayed_gateway(ctx));
  caf::anon_send(node, actors::serve_atom::value, relay);
  auto stop_all = [&] {
    caf::anon_send_exit(relay, caf::exit_reason::user_shutdown);
    stop_actors();
  };
  if (auto err = server.listen(cfg.listen.host, cfg.listen.port)) {
    ctx.reset();
    stop_all();
    if (files)
      files->stop();
    return fail(*err);
  }
  std::string cluster_address;
  if (cfg.cluster_listen) {
    const auto host = cfg.cluster_listen->host.c_str();
    auto port = cluster_tls(cfg)
                  ? caf::openssl::publish(node, cfg.cluster_listen->port, host, true)
                  : sys.middleman().publish(node, cfg.cluster_listen->port, host, true);
    if (!port) {
      ctx.reset();
      stop_all();
      if (files)
        files->stop();
      return fail("cannot listen for cluster peers on " + to_string(*cfg.cluster_listen) + ": " +
                  sys.render(port.error()));
    }
    auto published = *cfg.cluster_listen;
    published.port = *port;
    cluster_address = to_string(published);
    std::cout << "refpointd cluster listening on " << cluster_address << std::endl;
  }
  auto shown = cfg.listen;
  shown.port = server.port();
  caf::anon_send(node, actors::start_atom::value, to_string(shown), cluster_address);
  std::cout << "refpointd listening on " << (cfg.tls_cert.empty() ? "http" : "https") << "://"
            << to_string(shown) << std::endl;

  signals.async_wait([&](const boost::system::error_code& ec, int signo) {
    if (ec)
      return;
    log_info(cfg, std::string{"signal "} + std::to_string(signo) + ": draining");
    hub->shut_down_all();
    server.stop([&io] { io.stop(); });
  });
  std::vector<std::thread> extra_io;
  for (std::uint32_t i = 1; i < cfg.io_threads; ++i)
    extra_io.emplace_back([&io] { io.run(); });
  io.run();
  for (auto& t : extra_io)
    t.join();
  ctx.reset(); // the only strong reference: queued Asio handlers must not keep actors alive
  stop_all();
  // Job actors going down cancel their scans; running reads end at their next check.
  if (files)
    files->stop();
  // Handlers the stop left queued (a WebSocket session still closing, say) hold actor
  // handles, and a handle alive at ~actor_system makes it wait for ever. Once no actor can
  // post to the context any more, they go.
  sys.await_all_actors_done();
  io.destroy_pending_handlers();
  log_info(cfg, "stopped");
  return 0;
}

} // namespace refpoint::app
