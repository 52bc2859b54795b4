package nodecast;

import java.io.File;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Collectors;

/**
 * Debian's nginx in front of test servers, with the project's own {@code deploy/nginx.conf} (only
 * its ports changed), in a scratch prefix on a free port: the proxy the README tells operators to
 * run. {@link #refusingUpgrades} starts it as a proxy that passes no WebSocket upgrade on.
 */
final class NginxProxy implements AutoCloseable {
    private static final Path DEPLOYED = Path.of("deploy", "nginx.conf");

    private final Path prefix;
    private final Process process;
    private final int port;

    private NginxProxy(Path prefix, Process process, int port) {
        this.prefix = prefix;
        this.process = process;
        this.port = port;
    }

    /** nginx with deploy/nginx.conf, balancing {@code instances}. */
    static NginxProxy start(List<TestServer> instances) throws IOException, InterruptedException {
        return start(instances, Files.readString(DEPLOYED));
    }

    /** The same, but as a proxy that does not pass WebSocket upgrades on (as some corporate proxies do). */
    static NginxProxy refusingUpgrades(List<TestServer> instances) throws IOException, InterruptedException {
        String deployed = Files.readString(DEPLOYED);
        String refusing = deployed.replace("proxy_set_header Upgrade $http_upgrade;", "")
                .replace("proxy_set_header Connection \"upgrade\";", "proxy_set_header Connection \"\";");
        if (refusing.equals(deployed)) {
            throw new IllegalStateException("deploy/nginx.conf no longer passes upgrades as this test expects");
        }
        return start(instances, refusing);
    }

    private static NginxProxy start(List<TestServer> instances, String deployed) throws IOException, InterruptedException {
        String nginx = Tools.require("nginx", "nginx");
        int port = Ports.free();
        String upstreams = instances.stream()
                .map(instance -> "    server 127.0.0.1:" + instance.port() + " max_fails=1 fail_timeout=5s;")
                .collect(Collectors.joining("\n"));
        String site = deployed.replaceAll("(?m)^    server 127\\.0\\.0\\.1:800[12] .*\\n", "")
                .replace("upstream nodecast {\n", "upstream nodecast {\n" + upstreams + "\n")
                .replace("listen 80;", "listen 127.0.0.1:" + port + ";");
        if (!site.contains(":" + port + ";") || !site.contains(upstreams)) {
            throw new IllegalStateException("deploy/nginx.conf no longer has the listen and upstream lines this test rewrites");
        }
        Path prefix = Files.createTempDirectory("nodecast-nginx");
        Files.writeString(prefix.resolve("nodecast.conf"), site);
        Files.writeString(prefix.resolve("nginx.conf"), """
                daemon off;
                worker_processes 1;
                pid %1$s/nginx.pid;
                error_log %1$s/error.log warn;
                events {
                    worker_connections 1024;
                }
                http {
                    access_log off;
                    client_body_temp_path %1$s/client_body;
                    proxy_temp_path %1$s/proxy;
                    fastcgi_temp_path %1$s/fastcgi;
                    uwsgi_temp_path %1$s/uwsgi;
                    scgi_temp_path %1$s/scgi;
                    include %1$s/nodecast.conf;
                }
                """.formatted(prefix));
        Process process = new ProcessBuilder(nginx, "-p", prefix + "/", "-c", prefix.resolve("nginx.conf").toString())
                .redirectErrorStream(true)
                .redirectOutput(prefix.resolve("nginx.out").toFile())
                .start();
        NginxProxy proxy = new NginxProxy(prefix, process, port);
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (!proxy.listening()) {
            if (System.nanoTime() > deadline || !process.isAlive()) {
                String output = Files.readString(prefix.resolve("nginx.out"));
                proxy.close();
                throw new IllegalStateException("nginx did not start: " + output);
            }
            Thread.sleep(20);
        }
        return proxy;
    }

    private boolean listening() {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", port), 1000);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    URI uri(String pathAndQuery) {
        return URI.create("http://127.0.0.1:" + port + pathAndQuery);
    }

    @Override
    public void close() {
        process.destroy();
        try {
            process.waitFor();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        try (var files = Files.walk(prefix)) {
            files.sorted(Comparator.reverseOrder()).map(Path::toFile).forEach(File::delete);
        } catch (IOException e) {
            // a scratch directory left in /tmp is harmless
        }
    }
}
