#pragma once
/// A fixed set of threads that run submitted tasks in FIFO order: where the `file`
/// backend's blocking reads run, never on the actor threads (DESIGN §7). The threads run
/// at a lower priority (a positive nice value), so a long fingerprint leaves the CPU to the
/// gateway and the actors when they need it.

#include <condition_variable>
#include <cstddef>
#include <deque>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

namespace refpoint::actors {

class worker_pool {
public:
  /// Starts `threads` threads (at least one), each at `niceness` (0: unchanged).
  worker_pool(std::size_t threads, int niceness);
  worker_pool(const worker_pool&) = delete;
  worker_pool& operator=(const worker_pool&) = delete;
  /// Stops (see `stop`).
  ~worker_pool();

  /// Queues `task`; answers false, dropping it, once the pool is stopping.
  bool submit(std::function<void()> task);

  /// Stops taking tasks, drops the queued ones and waits for the running ones. Tasks must
  /// watch their own cancellation flags to end early. Idempotent.
  void stop();

private:
  void run(int niceness);

  std::mutex mutex_;
  std::condition_variable wake_;
  std::deque<std::function<void()>> queue_;
  bool stopping_ = false;
  std::vector<std::thread> threads_;
};

} // namespace refpoint::actors
