package nodecast;

import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Set;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * Everything nodecast can be told at start-up, with every default in one place. Each flag can
 * also be set by an environment variable; a flag wins over its variable.
 */
record Config(String host, int port, URI redis, Duration waitTimeout, int maxMessages, int maxMessageLength,
        String publishKey, boolean openPublishing, int maxBodyBytes, int maxHeaderBytes, int maxWaiters,
        int publishRate, String corsOrigin, int adminPort, Set<String> trustedProxies) {

    /** {@code adminPort} when health and metrics share the main port. */
    static final int NO_ADMIN_PORT = -1;

    static final Config DEFAULTS = new Config("127.0.0.1", 8000, null, Duration.ofSeconds(10), 10_000, 2_000,
            null, false, 64 * 1024, 16 * 1024, 50_000, 10, null, NO_ADMIN_PORT, Set.of());

    /** Thrown for a bad command line or environment; its message is one line for the operator. */
    static final class Invalid extends RuntimeException {
        private static final long serialVersionUID = 1L;

        Invalid(String message) {
            super(message);
        }
    }

    private record Option(String flag, String env, String valueName, String help) {
    }

    private static final List<Option> OPTIONS = List.of(
            new Option("--host", "NODECAST_HOST", "HOST", "address to listen on (default 127.0.0.1; 0.0.0.0 for every interface)"),
            new Option("--port", "NODECAST_PORT", "PORT", "port to listen on, 0 for any free port (default 8000)"),
            new Option("--redis", "NODECAST_REDIS", "URL", "Redis holding the message log: redis://host:port/db, or redis-sentinel://host:port[,host:port]/mastername (default: in memory)"),
            new Option("--wait-timeout", "NODECAST_WAIT_TIMEOUT", "SECONDS", "how long /wait holds a request before answering [] (default 10; fractions allowed; at most 60)"),
            new Option("--max-messages", "NODECAST_MAX_MESSAGES", "N", "messages kept in the log; older ones are dropped (default 10000)"),
            new Option("--max-message-length", "NODECAST_MAX_MESSAGE_LENGTH", "N", "longest message accepted, in characters (default 2000)"),
            new Option("--publish-key", "NODECAST_PUBLISH_KEY", "KEY", "key publishers must give (default: a random one, printed at start-up)"),
            new Option("--open-publishing", "NODECAST_OPEN_PUBLISHING", "true|false", "let anyone publish and clear, without a key (default false)"),
            new Option("--max-body-bytes", "NODECAST_MAX_BODY_BYTES", "N", "largest request body accepted (default 65536)"),
            new Option("--max-header-bytes", "NODECAST_MAX_HEADER_BYTES", "N", "largest request head (request line and headers) accepted (default 16384)"),
            new Option("--max-waiters", "NODECAST_MAX_WAITERS", "N", "most /wait requests parked at once; beyond it 503 (default 50000)"),
            new Option("--publish-rate", "NODECAST_PUBLISH_RATE", "N", "publishes and clears per second from one client address; beyond it 429 (default 10)"),
            new Option("--cors-origin", "NODECAST_CORS_ORIGIN", "ORIGIN", "origin allowed to read /wait and /since from other sites, e.g. https://example.org (default: none)"),
            new Option("--admin-port", "NODECAST_ADMIN_PORT", "PORT", "serve /healthz, /readyz and /metrics on this port instead of the main one (default: the main port)"),
            new Option("--trusted-proxy", "NODECAST_TRUSTED_PROXY", "IP[,IP]", "proxies whose X-Forwarded-For names the client, for the publish rate (default: none)"));

    static String usage() {
        StringBuilder text = new StringBuilder("Usage: java -jar nodecast.jar [options]\n\nOptions (each also read from the environment variable shown):\n");
        for (Option option : OPTIONS) {
            text.append(String.format("  %-30s %s%n  %-30s %s%n", option.flag + " " + option.valueName, option.help, "", "env " + option.env));
        }
        return text.append(String.format("  %-30s %s%n", "--help", "show this help and exit")).toString();
    }

    /** Reads flags ({@code --name value} or {@code --name=value}), then the environment, then defaults. */
    static Config parse(List<String> args, Map<String, String> env) {
        Map<String, String> given = new LinkedHashMap<>();
        for (Option option : OPTIONS) {
            String value = env.get(option.env);
            if (value != null) {
                given.put(option.flag, value);
            }
        }
        for (int i = 0; i < args.size(); i++) {
            String arg = args.get(i);
            String flag = arg.contains("=") ? arg.substring(0, arg.indexOf('=')) : arg;
            if (OPTIONS.stream().noneMatch(o -> o.flag.equals(flag))) {
                throw new Invalid("unknown option " + flag + " (see --help)");
            }
            if (flag.equals("--open-publishing") && !arg.contains("=")
                    && (i + 1 == args.size() || args.get(i + 1).startsWith("--"))) {
                given.put(flag, "true"); // a switch: --open-publishing alone means true
            } else if (arg.contains("=")) {
                given.put(flag, arg.substring(arg.indexOf('=') + 1));
            } else if (i + 1 < args.size()) {
                given.put(flag, args.get(++i));
            } else {
                throw new Invalid(flag + " needs a value");
            }
        }
        Config d = DEFAULTS;
        return new Config(
                value(given, "--host", d.host, Config::host),
                value(given, "--port", d.port, v -> wholeNumber(v, 0, 65_535)),
                value(given, "--redis", d.redis, Config::redisUri),
                value(given, "--wait-timeout", d.waitTimeout, Config::seconds),
                value(given, "--max-messages", d.maxMessages, v -> wholeNumber(v, 1, 1_000_000)),
                value(given, "--max-message-length", d.maxMessageLength, v -> wholeNumber(v, 1, 100_000)),
                value(given, "--publish-key", d.publishKey, Config::publishKey),
                value(given, "--open-publishing", d.openPublishing, Config::bool),
                value(given, "--max-body-bytes", d.maxBodyBytes, v -> wholeNumber(v, 1_024, 16 * 1024 * 1024)),
                value(given, "--max-header-bytes", d.maxHeaderBytes, v -> wholeNumber(v, 1_024, 1024 * 1024)),
                value(given, "--max-waiters", d.maxWaiters, v -> wholeNumber(v, 1, 10_000_000)),
                value(given, "--publish-rate", d.publishRate, v -> wholeNumber(v, 1, 1_000_000)),
                value(given, "--cors-origin", d.corsOrigin, Config::origin),
                value(given, "--admin-port", d.adminPort, v -> wholeNumber(v, 0, 65_535)),
                value(given, "--trusted-proxy", d.trustedProxies, Config::addresses));
    }

    private static <T> T value(Map<String, String> given, String flag, T fallback, Function<String, T> parser) {
        String text = given.get(flag);
        if (text == null) {
            return fallback;
        }
        try {
            return parser.apply(text.strip());
        } catch (IllegalArgumentException e) {
            throw new Invalid(flag + " " + e.getMessage() + ", got '" + text + "'");
        }
    }

    private static String host(String text) {
        if (text.isEmpty() || text.chars().anyMatch(Character::isWhitespace)) {
            throw new IllegalArgumentException("must be a host name or address");
        }
        return text;
    }

    private static String publishKey(String text) {
        if (text.length() < 16 || !text.matches("[\\x21-\\x7e]+")) {
            throw new IllegalArgumentException("must be at least 16 printable characters, without spaces");
        }
        return text;
    }

    /** IP addresses only, as written, so that trust never depends on a name lookup. */
    private static Set<String> addresses(String text) {
        Set<String> addresses = new LinkedHashSet<>();
        for (String address : text.split(",")) {
            String literal = ClientAddress.normal(address.strip());
            if (literal == null) {
                throw new IllegalArgumentException("must be IP addresses separated by commas");
            }
            addresses.add(literal);
        }
        return Set.copyOf(addresses);
    }

    private static boolean bool(String text) {
        if (!text.equals("true") && !text.equals("false")) {
            throw new IllegalArgumentException("must be true or false");
        }
        return Boolean.parseBoolean(text);
    }

    private static String origin(String text) {
        if (!text.matches("https?://[A-Za-z0-9.-]+(:[0-9]{1,5})?")) {
            throw new IllegalArgumentException("must be an origin like https://example.org or http://host:8080");
        }
        return text;
    }

    private static int wholeNumber(String text, int min, int max) {
        if (!text.matches("[0-9]{1,9}") || Integer.parseInt(text) < min || Integer.parseInt(text) > max) {
            throw new IllegalArgumentException("must be a whole number from " + min + " to " + max);
        }
        return Integer.parseInt(text);
    }

    private static Duration seconds(String text) {
        if (!text.matches("[0-9]{1,3}(\\.[0-9]{1,3})?")) {
            throw new IllegalArgumentException("must be a number of seconds, more than 0 and at most 60");
        }
        Duration timeout = Duration.ofMillis(Math.round(Double.parseDouble(text) * 1000));
        if (timeout.isZero() || timeout.compareTo(Duration.ofSeconds(60)) > 0) {
            throw new IllegalArgumentException("must be a number of seconds, more than 0 and at most 60");
        }
        return timeout;
    }

    private static URI redisUri(String text) {
        String expected = "must look like redis://host:port/db or redis-sentinel://host:port[,host:port]/mastername";
        try {
            URI uri = new URI(text);
            boolean standalone = ("redis".equals(uri.getScheme()) || "rediss".equals(uri.getScheme())) && uri.getHost() != null;
            boolean sentinel = "redis-sentinel".equals(uri.getScheme()) && uri.getAuthority() != null
                    && uri.getPath() != null && uri.getPath().matches("/[^/]+")
                    && uri.getAuthority().replaceFirst("^[^@]*@", "").matches("[^,:]+:[0-9]+(,[^,:]+:[0-9]+)*");
            if (!standalone && !sentinel) {
                throw new IllegalArgumentException(expected);
            }
            return uri;
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException(expected);
        }
    }
}
