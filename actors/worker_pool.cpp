#include "actors/worker_pool.hpp"

#include <algorithm>
#include <sys/resource.h>
#include <unistd.h>

namespace refpoint::actors {

worker_pool::worker_pool(std::size_t threads, int niceness) {
  threads = std::max<std::size_t>(threads, 1);
  threads_.reserve(threads);
  for (std::size_t i = 0; i < threads; ++i)
    threads_.emplace_back([this, niceness] { run(niceness); });
}

worker_pool::~worker_pool() {
  stop();
}

bool worker_pool::submit(std::function<void()> task) {
  {
    std::lock_guard lock{mutex_};
    if (stopping_)
      return false;
    queue_.push_back(std::move(task));
  }
  wake_.notify_one();
  return true;
}

void worker_pool::stop() {
  std::deque<std::function<void()>> dropped;
  {
    std::lock_guard lock{mutex_};
    stopping_ = true;
    dropped.swap(queue_);
  }
  wake_.notify_all();
  for (auto& t : threads_)
    if (t.joinable() && t.get_id() != std::this_thread::get_id())
      t.join();
  // `dropped` is destroyed here, outside the lock: a task's captures may do anything.
}

void worker_pool::run(int niceness) {
  // On Linux a thread id names one thread to setpriority: only this thread is reniced.
  if (niceness != 0)
    (void)::setpriority(PRIO_PROCESS, static_cast<id_t>(::gettid()), niceness);
  for (;;) {
    std::function<void()> task;
    {
      std::unique_lock lock{mutex_};
      wake_.wait(lock, [this] { return stopping_ || !queue_.empty(); });
      if (stopping_)
        return;
      task = std::move(queue_.front());
      queue_.pop_front();
    }
    task();
  }
}

} // namespace refpoint::actors
