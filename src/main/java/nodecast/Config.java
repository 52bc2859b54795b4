package nodecast;

import java.math.BigDecimal;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.BiConsumer;
import java.util.function.Function;
import nodecast.publish.ClientAddress;

/**
 * Everything nodecast can be told at start-up. Every default is in one place, the initial values
 * of {@link Builder}, and {@code --help} shows them from there. Each flag can also be set by an
 * environment variable; a flag wins over its variable.
 */
record Config(String host, int port, URI redis, String redisPrefix, Duration redisRetry, Duration waitTimeout, int maxMessages, int maxChannels,
        Duration channelIdle, int maxMessageLength,
        String publishKey, boolean openPublishing, int maxBodyBytes, int maxHeaderBytes, int maxWaiters,
        Duration keepalive, int maxQueuedBytes, int publishRate, String corsOrigin, int adminPort, Set<String> trustedProxies) {

    /** {@code adminPort} when health and metrics share the main port. */
    static final int NO_ADMIN_PORT = -1;

    static final Config DEFAULTS = builder().build();

    /** Starts from every default; set only what differs. */
    static Builder builder() {
        return new Builder();
    }

    Builder toBuilder() {
        return builder().host(host).port(port).redis(redis).redisPrefix(redisPrefix).redisRetry(redisRetry).waitTimeout(waitTimeout).maxMessages(maxMessages)
                .maxChannels(maxChannels).channelIdle(channelIdle)
                .maxMessageLength(maxMessageLength).publishKey(publishKey).openPublishing(openPublishing)
                .maxBodyBytes(maxBodyBytes).maxHeaderBytes(maxHeaderBytes).maxWaiters(maxWaiters)
                .keepalive(keepalive).maxQueuedBytes(maxQueuedBytes).publishRate(publishRate).corsOrigin(corsOrigin).adminPort(adminPort).trustedProxies(trustedProxies);
    }

    /**
     * The one place defaults live, written out even where they are {@code null} or {@code false}
     * so every default reads here; a setter says what a {@code null} means.
     */
    static final class Builder {
        private String host = "127.0.0.1";
        private int port = 8000;
        private URI redis = null;
        private String redisPrefix = "nodecast";
        private Duration redisRetry = Duration.ofSeconds(5);
        private Duration waitTimeout = Duration.ofSeconds(10);
        private int maxMessages = 10_000;
        private int maxChannels = 10_000;
        private Duration channelIdle = Duration.ofSeconds(60);
        private int maxMessageLength = 2_000;
        private String publishKey = null;
        private boolean openPublishing = false;
        private int maxBodyBytes = 64 * 1024;
        private int maxHeaderBytes = 16 * 1024;
        private int maxWaiters = 50_000;
        private Duration keepalive = Duration.ofSeconds(15);
        private int maxQueuedBytes = 1024 * 1024;
        private int publishRate = 10;
        private String corsOrigin = null;
        private int adminPort = NO_ADMIN_PORT;
        private Set<String> trustedProxies = Set.of();

        private Builder() {
        }

        Builder host(String host) {
            this.host = host;
            return this;
        }

        Builder port(int port) {
            this.port = port;
            return this;
        }

        /** {@code null}: the log is kept in memory. */
        Builder redis(URI redis) {
            this.redis = redis;
            return this;
        }

        Builder redisPrefix(String redisPrefix) {
            this.redisPrefix = redisPrefix;
            return this;
        }

        Builder redisRetry(Duration redisRetry) {
            this.redisRetry = redisRetry;
            return this;
        }

        Builder waitTimeout(Duration waitTimeout) {
            this.waitTimeout = waitTimeout;
            return this;
        }

        Builder maxMessages(int maxMessages) {
            this.maxMessages = maxMessages;
            return this;
        }

        Builder maxChannels(int maxChannels) {
            this.maxChannels = maxChannels;
            return this;
        }

        Builder channelIdle(Duration channelIdle) {
            this.channelIdle = channelIdle;
            return this;
        }

        Builder maxMessageLength(int maxMessageLength) {
            this.maxMessageLength = maxMessageLength;
            return this;
        }

        /** {@code null}: a random key is made and printed at start-up. */
        Builder publishKey(String publishKey) {
            this.publishKey = publishKey;
            return this;
        }

        Builder openPublishing(boolean openPublishing) {
            this.openPublishing = openPublishing;
            return this;
        }

        Builder maxBodyBytes(int maxBodyBytes) {
            this.maxBodyBytes = maxBodyBytes;
            return this;
        }

        Builder maxHeaderBytes(int maxHeaderBytes) {
            this.maxHeaderBytes = maxHeaderBytes;
            return this;
        }

        Builder maxWaiters(int maxWaiters) {
            this.maxWaiters = maxWaiters;
            return this;
        }

        Builder keepalive(Duration keepalive) {
            this.keepalive = keepalive;
            return this;
        }

        Builder maxQueuedBytes(int maxQueuedBytes) {
            this.maxQueuedBytes = maxQueuedBytes;
            return this;
        }

        Builder publishRate(int publishRate) {
            this.publishRate = publishRate;
            return this;
        }

        /** {@code null}: no other site may read. */
        Builder corsOrigin(String corsOrigin) {
            this.corsOrigin = corsOrigin;
            return this;
        }

        /** {@link #NO_ADMIN_PORT}: health and metrics are on the main port. */
        Builder adminPort(int adminPort) {
            this.adminPort = adminPort;
            return this;
        }

        Builder trustedProxies(Set<String> trustedProxies) {
            this.trustedProxies = Set.copyOf(trustedProxies);
            return this;
        }

        Config build() {
            return new Config(host, port, redis, redisPrefix, redisRetry, waitTimeout, maxMessages, maxChannels, channelIdle, maxMessageLength, publishKey, openPublishing,
                    maxBodyBytes, maxHeaderBytes, maxWaiters, keepalive, maxQueuedBytes, publishRate, corsOrigin, adminPort, trustedProxies);
        }
    }

    /** Thrown for a bad command line or environment; its message is one line for the operator. */
    static final class Invalid extends RuntimeException {
        private static final long serialVersionUID = 1L;

        Invalid(String message) {
            super(message);
        }
    }

    /**
     * One flag: how to read its text, which builder setter takes the value, and how its default
     * reads in {@code --help}. {@code shown} gives {@code null} when there is no default value, and
     * the help then says {@code absent} ("none" unless told) instead.
     */
    private record Option<T>(String flag, String env, String valueName, String help, Function<String, T> parser,
            BiConsumer<Builder, T> setter, Function<Config, ?> shown, String absent) {

        Option(String flag, String env, String valueName, String help, Function<String, T> parser,
                BiConsumer<Builder, T> setter, Function<Config, ?> shown) {
            this(flag, env, valueName, help, parser, setter, shown, "none");
        }

        void set(Builder config, String text) {
            T value;
            try {
                value = parser.apply(text.strip());
            } catch (IllegalArgumentException e) {
                throw new Invalid(flag + " " + e.getMessage() + ", got '" + text + "'");
            }
            setter.accept(config, value);
        }

        String line() {
            Object value = shown.apply(DEFAULTS);
            return help + (value == null ? " (default: " + absent + ")" : " (default " + value + ")");
        }
    }

    private static final List<Option<?>> OPTIONS = List.of(
            new Option<>("--host", "NODECAST_HOST", "HOST", "address to listen on; 0.0.0.0 for every interface",
                    Config::host, Builder::host, Config::host),
            new Option<>("--port", "NODECAST_PORT", "PORT", "port to listen on, 0 for any free port",
                    v -> wholeNumber(v, 0, 65_535), Builder::port, Config::port),
            new Option<>("--redis", "NODECAST_REDIS", "URL",
                    "Redis holding the message log: redis://host:port/db, redis-sentinel://host:port[,host:port]/mastername,"
                            + " or redis-cluster://host:port[,host:port] (any nodes of a Redis Cluster)",
                    Config::redisUri, Builder::redis, Config::redis, "in memory"),
            new Option<>("--redis-prefix", "NODECAST_REDIS_PREFIX", "PREFIX",
                    "what every Redis key and channel of this deployment starts with, so deployments can share a Redis",
                    Config::redisPrefix, Builder::redisPrefix, Config::redisPrefix),
            new Option<>("--redis-retry", "NODECAST_REDIS_RETRY", "SECONDS",
                    "how long a publish or clear whose answer Redis lost, or that no replica confirmed, is tried again (under its own token,"
                            + " so never done twice) before it is answered 504; fractions allowed, at most 60",
                    v -> seconds(v, 60), Builder::redisRetry, c -> inSeconds(c.redisRetry())),
            new Option<>("--wait-timeout", "NODECAST_WAIT_TIMEOUT", "SECONDS",
                    "how long /wait holds a request before answering []; fractions allowed, at most 60",
                    v -> seconds(v, 60), Builder::waitTimeout, c -> inSeconds(c.waitTimeout())),
            new Option<>("--max-messages", "NODECAST_MAX_MESSAGES", "N", "messages kept in the log; older ones are dropped",
                    v -> wholeNumber(v, 1, 1_000_000), Builder::maxMessages, Config::maxMessages),
            new Option<>("--max-channels", "NODECAST_MAX_CHANNELS", "N",
                    "with the in-memory log, the most channels kept; a publish or viewer that would make one more gets 503",
                    v -> wholeNumber(v, 1, 10_000_000), Builder::maxChannels, Config::maxChannels),
            new Option<>("--channel-idle", "NODECAST_CHANNEL_IDLE", "SECONDS",
                    "drop a channel's copy in this instance's memory once no viewer asked for it for this long (its log stays)",
                    v -> seconds(v, 3_600), Builder::channelIdle, c -> inSeconds(c.channelIdle())),
            new Option<>("--max-message-length", "NODECAST_MAX_MESSAGE_LENGTH", "N", "longest message accepted, in characters",
                    v -> wholeNumber(v, 1, 100_000), Builder::maxMessageLength, Config::maxMessageLength),
            new Option<>("--publish-key", "NODECAST_PUBLISH_KEY", "KEY", "key publishers must give",
                    Config::publishKey, Builder::publishKey, Config::publishKey, "a random one, printed at start-up"),
            new Option<>("--open-publishing", "NODECAST_OPEN_PUBLISHING", "true|false", "let anyone publish and clear, without a key",
                    Config::bool, Builder::openPublishing, Config::openPublishing),
            new Option<>("--max-body-bytes", "NODECAST_MAX_BODY_BYTES", "N", "largest request body accepted",
                    v -> wholeNumber(v, 1_024, 16 * 1024 * 1024), Builder::maxBodyBytes, Config::maxBodyBytes),
            new Option<>("--max-header-bytes", "NODECAST_MAX_HEADER_BYTES", "N", "largest request head (request line and headers) accepted",
                    v -> wholeNumber(v, 1_024, 1024 * 1024), Builder::maxHeaderBytes, Config::maxHeaderBytes),
            new Option<>("--max-waiters", "NODECAST_MAX_WAITERS", "N", "most viewers held at once, /wait requests parked and event streams together; beyond it a viewer is told to come back in 1 to 5 s",
                    v -> wholeNumber(v, 1, 10_000_000), Builder::maxWaiters, Config::maxWaiters),
            new Option<>("--keepalive", "NODECAST_KEEPALIVE", "SECONDS",
                    "how often a quiet stream gets a keepalive, so proxies keep it open and dead clients are noticed; a stream that took nothing for"
                            + " two periods while bytes waited is let go; fractions allowed, at most 300",
                    v -> seconds(v, 300), Builder::keepalive, c -> inSeconds(c.keepalive())),
            new Option<>("--max-queued-bytes", "NODECAST_MAX_QUEUED_BYTES", "N",
                    "what a stream may hold for a client that reads too slowly (its bytes, and 64 per frame); beyond it the client is disconnected"
                            + " (it resumes from its last id)",
                    v -> wholeNumber(v, 1_024, 1024 * 1024 * 1024), Builder::maxQueuedBytes, Config::maxQueuedBytes),
            new Option<>("--publish-rate", "NODECAST_PUBLISH_RATE", "N",
                    "tries per second from one client address that count: with a key, those with a wrong or no key; "
                            + "with --open-publishing, every publish and clear; beyond it 429 (a right key is never slowed by its own pace)",
                    v -> wholeNumber(v, 1, 1_000_000), Builder::publishRate, Config::publishRate),
            new Option<>("--cors-origin", "NODECAST_CORS_ORIGIN", "ORIGIN",
                    "origin allowed to read /wait, /since and /events from other sites, e.g. https://example.org",
                    Config::origin, Builder::corsOrigin, Config::corsOrigin),
            new Option<>("--admin-port", "NODECAST_ADMIN_PORT", "PORT", "serve /healthz, /readyz and /metrics on this port instead of the main one",
                    v -> wholeNumber(v, 0, 65_535), Builder::adminPort,
                    c -> c.adminPort() == NO_ADMIN_PORT ? null : c.adminPort(), "the main port"),
            new Option<>("--trusted-proxy", "NODECAST_TRUSTED_PROXY", "IP[,IP]", "proxies whose X-Forwarded-For names the client, for the publish rate",
                    Config::addresses, Builder::trustedProxies,
                    c -> c.trustedProxies().isEmpty() ? null : String.join(",", c.trustedProxies())));

    static String usage() {
        StringBuilder text = new StringBuilder("Usage: java -jar nodecast.jar [options]\n\nOptions (each also read from the environment variable shown):\n");
        for (Option<?> option : OPTIONS) {
            text.append(String.format("  %-30s %s%n  %-30s %s%n", option.flag + " " + option.valueName, option.line(), "", "env " + option.env));
        }
        return text.append(String.format("  %-30s %s%n", "--help", "show this help and exit")).toString();
    }

    /** Reads flags ({@code --name value} or {@code --name=value}), then the environment, then defaults. */
    static Config parse(List<String> args, Map<String, String> env) {
        Map<String, String> given = new LinkedHashMap<>();
        for (Option<?> option : OPTIONS) {
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
        Builder config = builder();
        for (Option<?> option : OPTIONS) {
            String text = given.get(option.flag);
            if (text != null) {
                option.set(config, text);
            }
        }
        return config.build();
    }

    /** As the flag takes it, 10 or 2.5, not Duration's PT10S. */
    private static String inSeconds(Duration duration) {
        return BigDecimal.valueOf(duration.toMillis(), 3).stripTrailingZeros().toPlainString();
    }

    private static String host(String text) {
        if (text.isEmpty() || text.chars().anyMatch(Character::isWhitespace)) {
            throw new IllegalArgumentException("must be a host name or address");
        }
        return text;
    }

    /** No braces: a brace would change which part of a key Redis Cluster hashes. */
    private static String redisPrefix(String text) {
        if (!text.matches("[A-Za-z0-9._:-]{1,64}")) {
            throw new IllegalArgumentException("must be 1 to 64 characters of A-Z a-z 0-9 . _ : -");
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

    private static Duration seconds(String text, int most) {
        String expected = "must be a number of seconds, more than 0 and at most " + most;
        if (!text.matches("[0-9]{1,4}(\\.[0-9]{1,3})?")) {
            throw new IllegalArgumentException(expected);
        }
        Duration duration = Duration.ofMillis(Math.round(Double.parseDouble(text) * 1000));
        if (duration.isZero() || duration.compareTo(Duration.ofSeconds(most)) > 0) {
            throw new IllegalArgumentException(expected);
        }
        return duration;
    }

    private static URI redisUri(String text) {
        String expected = "must look like redis://host:port/db, redis-sentinel://host:port[,host:port]/mastername"
                + " or redis-cluster://host:port[,host:port]";
        try {
            URI uri = new URI(text);
            boolean standalone = ("redis".equals(uri.getScheme()) || "rediss".equals(uri.getScheme())) && uri.getHost() != null;
            boolean hosts = uri.getAuthority() != null
                    && uri.getAuthority().replaceFirst("^[^@]*@", "").matches("[^,:]+:[0-9]+(,[^,:]+:[0-9]+)*");
            boolean sentinel = "redis-sentinel".equals(uri.getScheme()) && hosts && uri.getPath() != null && uri.getPath().matches("/[^/]+");
            boolean cluster = "redis-cluster".equals(uri.getScheme()) && hosts && (uri.getPath() == null || uri.getPath().matches("/?"))
                    && uri.getQuery() == null;
            if (!standalone && !sentinel && !cluster) {
                throw new IllegalArgumentException(expected);
            }
            return uri;
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException(expected);
        }
    }
}
