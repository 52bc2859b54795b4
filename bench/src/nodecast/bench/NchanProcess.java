package nodecast.bench;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Nchan, the peer: Debian's nginx with libnginx-mod-nchan, started by the run itself with a config of
 * its own (its own prefix under target/, its own logs, a free loopback port), never the system's
 * nginx. A subscriber location per transport (long-poll, EventSource, WebSocket) and a publisher
 * location, all on one channel, set as nodecast is: a long poll held up to 60 s, a stream kept alive
 * every 15 s, every message of the run kept.
 */
final class NchanProcess implements PeerServer {
    private static final List<Path> MODULE_DIRS = List.of(Path.of("/usr/lib/nginx/modules"), Path.of("/usr/share/nginx/modules"));
    private static final String MODULE = "ngx_nchan_module.so";
    /** Where its viewers open a stream, by transport. */
    static final String EVENT_SOURCE_PATH = "/events";
    static final String WEBSOCKET_PATH = "/ws";

    private final Children children;
    private final Process master;
    private final int port;
    private final NchanPublisher publisher;

    private NchanProcess(Children children, Process master, int port, NchanPublisher publisher) {
        this.children = children;
        this.master = master;
        this.port = port;
        this.publisher = publisher;
    }

    /** Where Debian put the Nchan module, if nginx and it are installed. */
    static Optional<Path> module() {
        if (!Bench.onPath("nginx") && !Files.isExecutable(Path.of("/usr/sbin/nginx"))) {
            return Optional.empty();
        }
        return MODULE_DIRS.stream().map(dir -> dir.resolve(MODULE)).filter(Files::isReadable).findFirst();
    }

    /** A fresh nginx, its log named after {@code run}. */
    static NchanProcess start(Children children, Path module, Path home, Path logDir, String run) throws IOException {
        Path prefix = home.resolve("target").resolve("nchan");
        Files.createDirectories(prefix.resolve("logs"));
        // A line per request: at 10,000 viewers a run writes some 100 MB; keep only this run's.
        Files.deleteIfExists(prefix.resolve("logs").resolve("access.log"));
        int port = FreePort.find();
        Path conf = prefix.resolve("nginx.conf");
        Files.writeString(conf, config(module, prefix, port));
        String nginx = Bench.onPath("nginx") ? "nginx" : "/usr/sbin/nginx";
        Path log = logDir.resolve("peer-" + run + "-nchan.log");
        Process master = children.start(List.of(nginx, "-p", prefix + "/", "-c", conf.toString()), log);
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (!listening(port)) {
            if (System.nanoTime() > deadline || !master.isAlive()) {
                children.stop(master);
                throw new IOException("nginx with Nchan did not start; see " + log + " and " + prefix.resolve("logs"));
            }
            Bench.pause(100);
        }
        try {
            return new NchanProcess(children, master, port, new NchanPublisher(port));
        } catch (IOException e) {
            children.stop(master);
            throw e;
        }
    }

    /**
     * One worker per core, as Debian's own config has it (worker_processes auto): Nchan hands each
     * message to the other workers' subscribers through its shared memory. Every worker may hold
     * every viewer, within the 20,000 files a process may open here. The access log is kept, as a
     * user's nginx keeps it, but buffered, so it costs no write per request. A stream subscriber
     * starts, as a long-polling one, at the next message published, and is never timed out; it gets a
     * keepalive every 15 s, as nodecast's streams do by default (--keepalive 15): the same comment
     * line on an event stream, a ping on a WebSocket. Nchan sends neither unless told.
     */
    private static String config(Path module, Path prefix, int port) {
        return """
                load_module %1$s;
                daemon off;
                master_process on;
                worker_processes auto;
                worker_rlimit_nofile 20000;
                pid %2$s/nginx.pid;
                error_log %2$s/logs/error.log warn;
                events {
                    worker_connections 19000;
                }
                http {
                    access_log %2$s/logs/access.log combined buffer=64k flush=5s;
                    client_body_temp_path %2$s/client_body;
                    proxy_temp_path %2$s/proxy;
                    fastcgi_temp_path %2$s/fastcgi;
                    uwsgi_temp_path %2$s/uwsgi;
                    scgi_temp_path %2$s/scgi;
                    # nodecast closes no connection after so many requests: neither does this.
                    keepalive_requests 1000000;
                    server {
                        listen 127.0.0.1:%3$d;
                        location = /sub {
                            nchan_subscriber longpoll;
                            nchan_channel_id broadcast;
                            # as nodecast's --wait-timeout 60
                            nchan_subscriber_timeout 60s;
                            # a new viewer waits for the next message, as nodecast's page asks for the next id
                            nchan_subscriber_first_message newest;
                        }
                        location = %4$s {
                            nchan_subscriber eventsource;
                            nchan_channel_id broadcast;
                            nchan_subscriber_first_message newest;
                            nchan_eventsource_ping_interval 15;
                            nchan_eventsource_ping_comment keepalive;
                            nchan_eventsource_ping_event "";
                        }
                        location = %5$s {
                            nchan_subscriber websocket;
                            nchan_channel_id broadcast;
                            nchan_subscriber_first_message newest;
                            nchan_websocket_ping_interval 15;
                        }
                        location = /pub {
                            nchan_publisher;
                            nchan_channel_id broadcast;
                            # far more than a run publishes, kept far longer than it lasts
                            nchan_message_buffer_length 1000;
                            nchan_message_timeout 1h;
                        }
                    }
                }
                """.formatted(module, prefix, port, EVENT_SOURCE_PATH, WEBSOCKET_PATH);
    }

    private static boolean listening(int port) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", port), 1000);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    @Override
    public String name() {
        return "nchan";
    }

    @Override
    public int port() {
        return port;
    }

    @Override
    public ViewerStyle viewers(Transport transport) {
        return switch (transport) {
            case POLL -> ViewerStyle.NCHAN_BROWSER;
            case SSE -> ViewerStyle.NCHAN_EVENT_SOURCE;
            case WEBSOCKET -> ViewerStyle.NCHAN_WEBSOCKET;
        };
    }

    @Override
    public Publishing publisher() {
        return publisher;
    }

    /** The master and its workers. */
    @Override
    public List<Long> pids() {
        List<Long> pids = new ArrayList<>();
        pids.add(master.pid());
        pids.addAll(Proc.childrenOf(master.pid()));
        return pids;
    }

    /** SIGTERM to the master: nginx's fast shutdown, which stops the workers too. */
    @Override
    public void close() {
        try {
            publisher.close();
        } catch (IOException e) {
            // nginx is stopped next anyway
        }
        children.stop(master);
    }
}
