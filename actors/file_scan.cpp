#include "actors/file_scan.hpp"

#include "actors/image_reader.hpp"

#include <caf/send.hpp>

#include <utility>

namespace refpoint::actors {

namespace {

/// Runs on a pool thread: the whole scan of one job.
class file_scan {
public:
  file_scan(std::shared_ptr<file_backend> backend, std::vector<file_scan_disk> disks, job_actor job,
            scan_cancel_flag cancel, std::chrono::milliseconds interval)
      : backend_(std::move(backend)), disks_(std::move(disks)), job_(std::move(job)),
        cancel_(std::move(cancel)), interval_(interval) {}

  void run() {
    std::vector<image_file> files;
    files.reserve(disks_.size());
    for (const auto& d : disks_) {
      auto opened = backend_->root().open_file(d.path);
      if (auto* err = std::get_if<file_error>(&opened))
        return failed(d, *err);
      auto& file = files.emplace_back(std::move(std::get<image_file>(opened)));
      auto stamp = file.stamp();
      if (auto* err = std::get_if<file_error>(&stamp))
        return failed(d, *err);
      total_ += std::get<file_stamp>(stamp).size;
    }
    report(0, true);
    block_hasher hasher{backend_->settings().block_size};
    fingerprint_observer observer{
      .progress = [this](std::uint64_t done, std::uint64_t) { report(finished_ + done, false); },
      .cancelled = [this] { return cancel_->load(); },
    };
    std::vector<protocol::disk_block_map> maps;
    for (std::size_t i = 0; i < disks_.size(); ++i) {
      auto map = fingerprint_file(files[i], hasher, observer, fingerprint_options{});
      if (auto* err = std::get_if<file_error>(&map))
        return failed(disks_[i], *err);
      const auto& m = std::get<protocol::block_map>(map);
      finished_ += m.disk_size;
      maps.push_back({disks_[i].ordinal, disks_[i].path, protocol::encode_block_map(m)});
    }
    if (!cancel_->load())
      caf::anon_send(job_, file_done_atom::value, std::move(maps));
  }

private:
  void failed(const file_scan_disk& disk, const file_error& err) {
    if (err.what == file_error::kind::cancelled || cancel_->load())
      return;
    caf::anon_send(job_, file_failed_atom::value, "disk '" + disk.label + "': " + err.message);
  }

  /// Sends the progress at most once per interval (a retry may make `done` go back: the
  /// job keeps the highest percentage it has shown).
  void report(std::uint64_t done, bool force) {
    auto now = std::chrono::steady_clock::now();
    if (!force && now - last_report_ < interval_)
      return;
    last_report_ = now;
    if (!cancel_->load())
      caf::anon_send(job_, file_progress_atom::value, done, total_);
  }

  std::shared_ptr<file_backend> backend_;
  std::vector<file_scan_disk> disks_;
  job_actor job_;
  scan_cancel_flag cancel_;
  std::chrono::milliseconds interval_;
  std::uint64_t total_ = 0;
  std::uint64_t finished_ = 0; ///< bytes of the disks already done
  std::chrono::steady_clock::time_point last_report_{};
};

} // namespace

void start_file_scan(std::shared_ptr<file_backend> backend, std::vector<file_scan_disk> disks,
                     job_actor job, scan_cancel_flag cancel,
                     std::chrono::milliseconds progress_interval) {
  auto scan = std::make_shared<file_scan>(backend, std::move(disks), job, std::move(cancel),
                                          progress_interval);
  if (!backend->fingerprints().submit([scan] { scan->run(); }))
    caf::anon_send(job, file_failed_atom::value, std::string{"the file backend is shutting down"});
}

} // namespace refpoint::actors
