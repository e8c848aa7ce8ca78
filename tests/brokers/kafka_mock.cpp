// kafka-mock: a throwaway Kafka cluster for the tests (issue 20): librdkafka's mock
// cluster (rdkafka_mock.h) in a process of its own. Its brokers listen on 127.0.0.1, on
// ports the kernel picks, keep everything in memory and are gone when the process ends.
// It speaks enough of the protocol for producers (idempotent and transactional too),
// consumers and consumer groups; topics are created when a client first asks for them.
//
//   kafka-mock [--brokers N] [--bootstrap-file F] [--pid-file F] [--control FIFO]
//
// Prints the bootstrap servers (127.0.0.1:P1,127.0.0.1:P2,…) as its first line on stdout
// and writes them to F (renamed into place: a reader sees all of it or nothing), then stays
// up until SIGTERM, SIGINT or "quit". The FIFO (made anew, removed at exit, as are
// the two files) takes one command a line, each answered on stdout once it is applied
// ("ok down", "error: …"), so a script can wait for it (tests/brokers/kafka.sh):
//   down [ID]  broker ID (default: every broker) drops its connections and refuses new ones
//   up [ID]    it accepts connections again
//   quit       stops as on SIGTERM
// Exit 0 after a clean stop, 1 when the cluster or a file could not be made, 2 on usage.
#include <fcntl.h>
#include <poll.h>
#include <sys/signalfd.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <csignal>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <iostream>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include <librdkafka/rdkafka.h>
#include <librdkafka/rdkafka_mock.h>
#include <CLI/CLI.hpp>

namespace {

struct Options {
  int brokers = 3;
  std::string bootstrap_file;
  std::string pid_file;
  std::string control;
};

struct HandleDeleter {
  void operator()(rd_kafka_t* rk) const { rd_kafka_destroy(rk); }
};
struct ClusterDeleter {
  void operator()(rd_kafka_mock_cluster_t* cluster) const {
    rd_kafka_mock_cluster_destroy(cluster);
  }
};
using Handle = std::unique_ptr<rd_kafka_t, HandleDeleter>;
using Cluster = std::unique_ptr<rd_kafka_mock_cluster_t, ClusterDeleter>;

// Removes the files this process made when it ends, however main returns.
class FileRemover {
 public:
  FileRemover() = default;
  FileRemover(const FileRemover&) = delete;
  FileRemover& operator=(const FileRemover&) = delete;
  ~FileRemover() {
    for (const auto& path : paths_) unlink(path.c_str());
  }
  void Add(const std::string& path) { paths_.push_back(path); }

 private:
  std::vector<std::string> paths_;
};

bool WriteFileAtomically(const std::string& path, const std::string& content) {
  const std::string temporary = path + ".tmp";
  {
    std::ofstream out(temporary, std::ios::trunc);
    out << content << "\n";
    if (!out.flush()) return false;
  }
  return std::rename(temporary.c_str(), path.c_str()) == 0;
}

// The mock cluster's brokers run on librdkafka's threads, which inherit the signal mask:
// blocking the signals before the handle exists leaves them to the signalfd alone.
int BlockedSignalFd() {
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGTERM);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGHUP);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);
  return signalfd(-1, &signals, SFD_CLOEXEC);
}

// A new FIFO (one a killed run left is replaced; any other file is refused), opened for
// reading and writing: it then never reads end-of-file between two writers, and opening it
// never blocks.
int OpenControl(const std::string& path) {
  struct stat status;
  if (lstat(path.c_str(), &status) == 0) {
    if (!S_ISFIFO(status.st_mode)) {
      errno = EEXIST;
      return -1;
    }
    unlink(path.c_str());
  }
  if (mkfifo(path.c_str(), 0600) != 0) return -1;
  return open(path.c_str(), O_RDWR | O_NONBLOCK | O_CLOEXEC);
}

// Applies one control line; returns the reply line, or an empty string for "quit".
std::string Apply(rd_kafka_mock_cluster_t* cluster, int brokers, const std::string& line) {
  std::istringstream words(line);
  std::string verb;
  int32_t id = -1;
  words >> verb;
  if (verb == "quit") return "";
  if (verb != "down" && verb != "up")
    return "error: unknown command '" + verb + "' (down, up, quit)";
  if (!(words >> id)) id = -1;
  if (id != -1 && (id < 1 || id > brokers)) return "error: no broker " + std::to_string(id);
  // -1: every broker, in one request to the cluster's thread.
  const rd_kafka_resp_err_t error = verb == "down" ? rd_kafka_mock_broker_set_down(cluster, id)
                                                   : rd_kafka_mock_broker_set_up(cluster, id);
  if (error != RD_KAFKA_RESP_ERR_NO_ERROR) return "error: " + std::string(rd_kafka_err2str(error));
  return "ok " + line;
}

// Waits for a signal or "quit", applying control lines meanwhile.
void Serve(rd_kafka_mock_cluster_t* cluster, int brokers, int signal_fd, int control_fd) {
  pollfd fds[2] = {{signal_fd, POLLIN, 0}, {control_fd, POLLIN, 0}};
  const nfds_t count = control_fd >= 0 ? 2 : 1;
  std::string pending;
  while (true) {
    if (poll(fds, count, -1) < 0) {
      if (errno == EINTR) continue;
      return;
    }
    if (fds[0].revents != 0) return;
    if (count < 2 || fds[1].revents == 0) continue;
    char buffer[512];
    const ssize_t got = read(control_fd, buffer, sizeof buffer);
    if (got <= 0) continue;
    pending.append(buffer, static_cast<size_t>(got));
    for (size_t end; (end = pending.find('\n')) != std::string::npos; pending.erase(0, end + 1)) {
      const std::string line = pending.substr(0, end);
      if (line.find_first_not_of(" \t\r") == std::string::npos) continue;
      const std::string reply = Apply(cluster, brokers, line);
      if (reply.empty()) return;
      std::cout << reply << std::endl;
    }
  }
}

// Prints what failed and why (errno); returns the exit status for it.
int Failed(const std::string& what) {
  std::cerr << "kafka-mock: " << what << ": " << std::strerror(errno) << "\n";
  return 1;
}

// The pid file, then the bootstrap file last: its existence says the cluster is ready.
int WriteRunFiles(const Options& options, const std::string& bootstraps, FileRemover& remover) {
  if (!options.pid_file.empty()) {
    remover.Add(options.pid_file);
    if (!WriteFileAtomically(options.pid_file, std::to_string(getpid())))
      return Failed(options.pid_file);
  }
  if (!options.bootstrap_file.empty()) {
    remover.Add(options.bootstrap_file);
    if (!WriteFileAtomically(options.bootstrap_file, bootstraps))
      return Failed(options.bootstrap_file);
  }
  return 0;
}

int Run(const Options& options) {
  const int signal_fd = BlockedSignalFd();
  if (signal_fd < 0) return Failed("signalfd");
  char error[512];
  rd_kafka_conf_t* conf = rd_kafka_conf_new();
  // The handle only hosts the cluster and never connects: no notice that it has no brokers.
  rd_kafka_conf_set(conf, "log_level", "4", error, sizeof error);
  Handle rk(rd_kafka_new(RD_KAFKA_PRODUCER, conf, error, sizeof error));
  if (!rk) {
    rd_kafka_conf_destroy(conf);  // Owned by the handle only once it exists.
    std::cerr << "kafka-mock: " << error << "\n";
    return 1;
  }
  Cluster cluster(rd_kafka_mock_cluster_new(rk.get(), options.brokers));
  if (!cluster) {
    std::cerr << "kafka-mock: could not create the mock cluster\n";
    return 1;
  }
  const std::string bootstraps = rd_kafka_mock_cluster_bootstraps(cluster.get());
  FileRemover remover;
  int control_fd = -1;
  if (!options.control.empty()) {
    control_fd = OpenControl(options.control);
    if (control_fd < 0) return Failed(options.control);
    remover.Add(options.control);
  }
  if (const int status = WriteRunFiles(options, bootstraps, remover); status != 0) return status;
  std::cout << bootstraps << std::endl;
  Serve(cluster.get(), options.brokers, signal_fd, control_fd);
  if (control_fd >= 0) close(control_fd);
  close(signal_fd);
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  Options options;
  CLI::App app{"A throwaway Kafka cluster (librdkafka's mock) for the tests", "kafka-mock"};
  app.add_option("--brokers", options.brokers, "Number of brokers")->check(CLI::Range(1, 16));
  app.add_option("--bootstrap-file", options.bootstrap_file, "Write the bootstrap servers here");
  app.add_option("--pid-file", options.pid_file, "Write the process id here");
  app.add_option("--control", options.control, "FIFO for the commands down [ID], up [ID], quit");
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& error) {
    return app.exit(error) == 0 ? 0 : 2;
  }
  return Run(options);
}
