package nodecast;

import java.time.Clock;
import java.util.List;

/** Starts nodecast from the command line: {@code java -jar nodecast.jar --help}. */
public final class Main {
    private Main() {
    }

    public static void main(String[] args) {
        // Undertow and XNIO log through jboss-logging; send that to SLF4J so one backend, configured once, governs all.
        System.setProperty("org.jboss.logging.provider", "slf4j");
        List<String> arguments = List.of(args);
        if (arguments.contains("--help") || arguments.contains("-h")) {
            System.out.print(Config.usage());
            return;
        }
        Config config;
        try {
            config = Config.parse(arguments, System.getenv());
        } catch (Config.Invalid e) {
            System.err.println("nodecast: " + e.getMessage());
            System.exit(2);
            return;
        }
        try {
            NodecastServer server = NodecastServer.start(config, Clock.systemUTC());
            Runtime.getRuntime().addShutdownHook(new Thread(server::close, "nodecast-shutdown"));
        } catch (RuntimeException e) {
            System.err.println("nodecast: cannot start: " + e.getMessage());
            System.exit(1);
        }
    }
}
