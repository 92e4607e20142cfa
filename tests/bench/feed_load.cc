// Load client for tests/bench/bench_feed.sh: thousands of change feed
// watchers (or pollers) in one process, so that the server, not the client,
// is what the benchmark measures. Loopback only: it refuses any other host.
//
//   feed_load watch HOST:PORT TOKEN N SERVER_PID < script
//     opens N watchers of GET /v1/events and runs the script's lines:
//       push CMD    runs CMD (sh -c); then waits until every watcher has had
//                   one more "change" event; prints how long CMD took and,
//                   per watcher, the delay from CMD's exit (the push's
//                   answer) to the event's arrival
//       run CMD     runs CMD and prints how long it took
//       rss         prints the server's resident memory and watchers alive
//       cpu S       prints the server's CPU use over S seconds
//       reconnect   closes every watcher and opens N new ones
//       summary     prints the delays of every push so far, pooled
//   feed_load poll HOST:PORT TOKEN N SERVER_PID SECONDS BODY_FILE
//     N clients, each POSTing BODY_FILE to /v1/fetch once a second on its own
//     keep-alive connection, for SECONDS; prints the answers per second, their
//     latency and the server's CPU use.
#include <sys/resource.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <utility>  // before Asio 1.74, whose awaitable.hpp forgets it
#include <boost/asio.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <memory>
#include <mutex>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

namespace net = boost::asio;
namespace http = boost::beast::http;
using tcp = net::ip::tcp;
using Clock = std::chrono::steady_clock;

namespace {

double ms_between(Clock::time_point a, Clock::time_point b) {
  return std::chrono::duration<double, std::milli>(b - a).count();
}

double percentile(std::vector<double> v, double p) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  auto i = static_cast<std::size_t>(p * static_cast<double>(v.size() - 1) + 0.5);
  return v[std::min(i, v.size() - 1)];
}

long server_rss_kb(int pid) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/status");
  std::string line;
  while (std::getline(in, line))
    if (line.rfind("VmRSS:", 0) == 0) return std::atol(line.c_str() + 6);
  return -1;
}

// User plus system CPU time of the process, in clock ticks.
long server_cpu_ticks(int pid) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/stat");
  std::string all((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  auto close = all.rfind(')');
  if (close == std::string::npos) return -1;
  std::istringstream fields(all.substr(close + 2));
  std::string field;
  long utime = 0, stime = 0;
  for (int i = 3; fields >> field; ++i) {
    if (i == 14) utime = std::atol(field.c_str());
    if (i == 15) {
      stime = std::atol(field.c_str());
      break;
    }
  }
  return utime + stime;
}

double cpu_percent(int pid, double seconds) {
  long before = server_cpu_ticks(pid);
  auto t0 = Clock::now();
  std::this_thread::sleep_for(std::chrono::duration<double>(seconds));
  long after = server_cpu_ticks(pid);
  double wall = ms_between(t0, Clock::now()) / 1000;
  return 100.0 * static_cast<double>(after - before) / static_cast<double>(sysconf(_SC_CLK_TCK)) / wall;
}

void raise_file_limit() {
  rlimit limit{};
  if (getrlimit(RLIMIT_NOFILE, &limit) == 0 && limit.rlim_cur < limit.rlim_max) {
    limit.rlim_cur = limit.rlim_max;
    setrlimit(RLIMIT_NOFILE, &limit);
  }
}

tcp::endpoint loopback_endpoint(const std::string& host_port) {
  auto colon = host_port.rfind(':');
  if (colon == std::string::npos) throw std::runtime_error("expected HOST:PORT, got " + host_port);
  auto address = net::ip::make_address(host_port.substr(0, colon));
  if (!address.is_loopback()) throw std::runtime_error("only loopback addresses, not " + host_port);
  return {address, static_cast<unsigned short>(std::stoi(host_port.substr(colon + 1)))};
}

double run_command(const std::string& command) {
  auto t0 = Clock::now();
  int status = std::system(command.c_str());
  if (status != 0) throw std::runtime_error("command failed: " + command);
  return ms_between(t0, Clock::now());
}

// One watcher: reads the event stream line by line and counts the
// "change" events, keeping the arrival time of each.
class Watcher : public std::enable_shared_from_this<Watcher> {
 public:
  Watcher(net::io_context& io, std::string request) : socket_(io), request_(std::move(request)) {}

  void start(const tcp::endpoint& endpoint) {
    socket_.async_connect(endpoint, [self = shared_from_this()](boost::system::error_code ec) {
      if (ec) return self->fail();
      net::async_write(self->socket_, net::buffer(self->request_),
                       [self](boost::system::error_code ec, std::size_t) {
                         if (ec) return self->fail();
                         self->read();
                       });
    });
  }
  void stop() {
    boost::system::error_code ec;
    socket_.close(ec);
  }

  // Read from the main thread under the owner's mutex.
  bool hello = false, failed = false;
  std::vector<Clock::time_point> changes;

  static std::mutex mutex;
  static std::condition_variable moved;

 private:
  void read() {
    socket_.async_read_some(net::buffer(buffer_), [self = shared_from_this()](boost::system::error_code ec,
                                                                               std::size_t n) {
      if (ec) return self->fail();
      self->take(n);
      self->read();
    });
  }
  void take(std::size_t n) {
    auto now = Clock::now();
    bool any = false;
    for (std::size_t i = 0; i < n; ++i) {
      char c = buffer_[i];
      if (c != '\n') {
        if (line_.size() < 256) line_ += c;
        continue;
      }
      if (!line_.empty() && line_.back() == '\r') line_.pop_back();
      std::lock_guard<std::mutex> lock(mutex);
      if (line_ == "event: hello") hello = any = true;
      if (line_ == "event: change") changes.push_back(now), any = true;
      line_.clear();
    }
    if (any) moved.notify_all();
  }
  void fail() {
    {
      std::lock_guard<std::mutex> lock(mutex);
      failed = true;
    }
    moved.notify_all();
  }

  tcp::socket socket_;
  std::string request_;
  std::array<char, 1024> buffer_{};
  std::string line_;
};

std::mutex Watcher::mutex;
std::condition_variable Watcher::moved;

// The watchers are created and dropped by the main thread, which alone
// holds the list; the io thread touches each watcher's own fields only,
// under Watcher::mutex.
class WatchLoad {
 public:
  WatchLoad(tcp::endpoint endpoint, std::string token, std::size_t n, int server)
      : endpoint_(endpoint), token_(std::move(token)), n_(n), server_(server), work_(net::make_work_guard(io_)) {
    thread_ = std::thread([this] { io_.run(); });
  }
  ~WatchLoad() {
    stop_all();
    work_.reset();
    io_.stop();
    thread_.join();
  }

  void connect() {
    auto t0 = Clock::now();
    std::string request = "GET /v1/events HTTP/1.1\r\nHost: " + endpoint_.address().to_string() +
                          "\r\nAuthorization: Bearer " + token_ + "\r\nAccept: text/event-stream\r\n\r\n";
    watchers_.clear();
    for (std::size_t i = 0; i < n_; ++i) {
      auto w = std::make_shared<Watcher>(io_, request);
      watchers_.push_back(w);
      net::post(io_, [w, e = endpoint_] { w->start(e); });
    }
    std::unique_lock<std::mutex> lock(Watcher::mutex);
    Watcher::moved.wait_for(lock, std::chrono::seconds(120),
                            [&] { return count([](auto& w) { return w.hello || w.failed; }) == n_; });
    std::size_t ready = count([](auto& w) { return w.hello && !w.failed; });
    std::printf("connected %zu of %zu watchers in %.0f ms\n", ready, n_, ms_between(t0, Clock::now()));
  }

  void reconnect() {
    stop_all();
    {
      std::unique_lock<std::mutex> lock(Watcher::mutex);
      Watcher::moved.wait_for(lock, std::chrono::seconds(30),
                              [&] { return count([](auto& w) { return w.failed; }) == watchers_.size(); });
    }
    // Let the server notice the closed connections before counting again.
    std::this_thread::sleep_for(std::chrono::milliseconds(500));
    pushes_ = 0;
    connect();
  }

  void push(const std::string& command) {
    std::size_t seen = ++pushes_;
    auto t0 = Clock::now();
    run_command(command);
    auto answered = Clock::now();
    std::vector<double> from_answer, from_start;
    {
      std::unique_lock<std::mutex> lock(Watcher::mutex);
      Watcher::moved.wait_for(lock, std::chrono::seconds(30), [&] {
        return count([&](auto& w) { return w.changes.size() >= seen || w.failed; }) == watchers_.size();
      });
      for (auto& w : watchers_) {
        if (w->changes.size() < seen) continue;
        from_answer.push_back(std::max(0.0, ms_between(answered, w->changes[seen - 1])));
        from_start.push_back(ms_between(t0, w->changes[seen - 1]));
      }
    }
    all_from_answer_.insert(all_from_answer_.end(), from_answer.begin(), from_answer.end());
    all_from_start_.insert(all_from_start_.end(), from_start.begin(), from_start.end());
    std::printf("push %.1f ms; event reached %zu of %zu; from the answer p50 %.1f p99 %.1f max %.1f ms\n",
                ms_between(t0, answered), from_answer.size(), n_, percentile(from_answer, 0.5),
                percentile(from_answer, 0.99), percentile(from_answer, 1.0));
  }

  void summary() {
    std::printf(
        "summary of %zu arrivals: from the push's answer p50 %.1f p99 %.1f max %.1f ms; from its start p50 %.1f "
        "p99 %.1f ms\n",
        all_from_answer_.size(), percentile(all_from_answer_, 0.5), percentile(all_from_answer_, 0.99),
        percentile(all_from_answer_, 1.0), percentile(all_from_start_, 0.5), percentile(all_from_start_, 0.99));
  }

  void rss() {
    std::size_t alive;
    {
      std::lock_guard<std::mutex> lock(Watcher::mutex);
      alive = count([](auto& w) { return w.hello && !w.failed; });
    }
    std::printf("rss %ld KB with %zu watchers\n", server_rss_kb(server_), alive);
  }

 private:
  template <class Pred>
  std::size_t count(Pred pred) {  // with Watcher::mutex held
    std::size_t k = 0;
    for (auto& w : watchers_) k += pred(*w) ? 1 : 0;
    return k;
  }
  void stop_all() {
    for (auto& w : watchers_) net::post(io_, [w] { w->stop(); });
  }

  tcp::endpoint endpoint_;
  std::string token_;
  std::size_t n_;
  int server_;
  net::io_context io_;
  net::executor_work_guard<net::io_context::executor_type> work_;
  std::thread thread_;
  std::vector<std::shared_ptr<Watcher>> watchers_;
  std::size_t pushes_ = 0;
  std::vector<double> all_from_answer_, all_from_start_;
};

int watch(const tcp::endpoint& endpoint, const std::string& token, std::size_t n, int server) {
  WatchLoad load(endpoint, token, n, server);
  load.connect();
  std::fflush(stdout);
  std::string line;
  while (std::getline(std::cin, line)) {
    auto space = line.find(' ');
    auto verb = line.substr(0, space);
    auto rest = space == std::string::npos ? "" : line.substr(space + 1);
    if (verb == "push") {
      load.push(rest);
    } else if (verb == "run") {
      std::printf("run %.1f ms: %s\n", run_command(rest), rest.c_str());
    } else if (verb == "rss") {
      load.rss();
    } else if (verb == "cpu") {
      std::printf("cpu %.1f%% of one core over %s s\n", cpu_percent(server, std::atof(rest.c_str())), rest.c_str());
    } else if (verb == "reconnect") {
      load.reconnect();
    } else if (verb == "summary") {
      load.summary();
    } else if (!verb.empty()) {
      throw std::runtime_error("unknown script line: " + line);
    }
    std::fflush(stdout);
  }
  return 0;
}

// One polling client: a fetch every second on its own connection.
class Poller : public std::enable_shared_from_this<Poller> {
 public:
  Poller(net::io_context& io, const tcp::endpoint& endpoint, const std::string& token, const std::string& body,
         Clock::time_point end, std::vector<double>& latencies, std::size_t& failures)
      : stream_(io), timer_(io), endpoint_(endpoint), end_(end), latencies_(latencies), failures_(failures) {
    request_.method(http::verb::post);
    request_.target("/v1/fetch");
    request_.set(http::field::host, endpoint.address().to_string());
    request_.set(http::field::authorization, "Bearer " + token);
    request_.set(http::field::content_type, "application/json");
    request_.body() = body;
    request_.prepare_payload();
  }
  void start(Clock::duration offset) {
    stream_.async_connect(endpoint_, [self = shared_from_this(), offset](boost::system::error_code ec) {
      if (ec) return ++self->failures_, void();
      self->next_ = Clock::now() + offset;
      self->wait();
    });
  }

 private:
  void wait() {
    if (next_ >= end_) return;
    timer_.expires_at(next_);
    timer_.async_wait([self = shared_from_this()](boost::system::error_code) { self->send(); });
  }
  void send() {
    sent_ = Clock::now();
    http::async_write(stream_, request_, [self = shared_from_this()](boost::system::error_code ec, std::size_t) {
      if (ec) return ++self->failures_, void();
      self->response_ = {};
      http::async_read(self->stream_, self->buffer_, self->response_,
                       [self](boost::system::error_code ec, std::size_t) {
                         if (ec || self->response_.result() != http::status::ok) return ++self->failures_, void();
                         self->latencies_.push_back(ms_between(self->sent_, Clock::now()));
                         self->next_ += std::chrono::seconds(1);
                         if (self->next_ < Clock::now()) self->next_ = Clock::now();
                         self->wait();
                       });
    });
  }

  boost::beast::tcp_stream stream_;
  net::steady_timer timer_;
  tcp::endpoint endpoint_;
  Clock::time_point end_, next_, sent_;
  http::request<http::string_body> request_;
  http::response<http::string_body> response_;
  boost::beast::flat_buffer buffer_;
  std::vector<double>& latencies_;
  std::size_t& failures_;
};

int poll(const tcp::endpoint& endpoint, const std::string& token, std::size_t n, int server, double seconds,
         const std::string& body_file) {
  std::ifstream in(body_file);
  std::string body((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  net::io_context io;
  std::vector<double> latencies;
  std::size_t failures = 0;
  // A second for every client to connect, then `seconds` of polling.
  auto begin = Clock::now() + std::chrono::seconds(1);
  auto end = begin + std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(seconds));
  for (std::size_t i = 0; i < n; ++i) {
    auto offset = std::chrono::microseconds(1000000 + static_cast<long>(i * 1000000 / n));
    std::make_shared<Poller>(io, endpoint, token, body, end, latencies, failures)->start(offset);
  }
  double cpu = 0;
  std::thread measure([&] {
    std::this_thread::sleep_until(begin);
    cpu = cpu_percent(server, seconds);
  });
  io.run();
  measure.join();
  std::printf("poll %zu clients for %.0f s: %.0f answers/s (asked %zu/s), %zu failed; latency p50 %.1f p99 %.1f ms; "
              "server CPU %.1f%% of one core\n",
              n, seconds, static_cast<double>(latencies.size()) / seconds, n, failures, percentile(latencies, 0.5),
              percentile(latencies, 0.99), cpu);
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  try {
    raise_file_limit();
    std::string mode = argc > 1 ? argv[1] : "";
    if (mode == "watch" && argc == 6)
      return watch(loopback_endpoint(argv[2]), argv[3], std::stoul(argv[4]), std::atoi(argv[5]));
    if (mode == "poll" && argc == 8)
      return poll(loopback_endpoint(argv[2]), argv[3], std::stoul(argv[4]), std::atoi(argv[5]), std::atof(argv[6]),
                  argv[7]);
    std::cerr << "usage: feed_load watch HOST:PORT TOKEN N SERVER_PID < script\n"
                 "       feed_load poll HOST:PORT TOKEN N SERVER_PID SECONDS BODY_FILE\n";
    return 2;
  } catch (const std::exception& e) {
    std::cerr << "feed_load: " << e.what() << "\n";
    return 1;
  }
}
