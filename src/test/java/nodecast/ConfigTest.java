package nodecast;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ConfigTest {

    private static Config parse(String... args) {
        return Config.parse(List.of(args), Map.of());
    }

    /** The {@code --help} line that describes {@code flag}. */
    private static String helpLine(String flag) {
        return Config.usage().lines().filter(line -> line.startsWith("  " + flag + " ")).findFirst().orElseThrow();
    }

    @Test
    void no_flags_give_the_documented_defaults() {
        Config config = parse();
        assertEquals("127.0.0.1", config.host());
        assertEquals(8000, config.port());
        assertNull(config.redis(), "in memory unless Redis is named");
        assertEquals(Duration.ofSeconds(10), config.waitTimeout());
        assertEquals(10_000, config.maxMessages());
        assertEquals(2_000, config.maxMessageLength());
    }

    @Test
    void the_builder_starts_from_the_same_defaults_as_an_empty_command_line() {
        assertEquals(parse(), Config.builder().build());
        assertEquals(parse(), Config.DEFAULTS);
    }

    @Test
    void a_builder_from_a_config_changes_only_what_it_is_told() {
        Config config = parse("--port", "9000", "--redis", "redis://r:1/0", "--trusted-proxy", "10.0.0.1", "--open-publishing");
        assertEquals(config, config.toBuilder().build());
        Config changed = config.toBuilder().maxWaiters(3).build();
        assertEquals(3, changed.maxWaiters());
        assertEquals(config, changed.toBuilder().maxWaiters(config.maxWaiters()).build());
    }

    @Test
    void the_help_shows_each_default_as_the_builder_has_it() {
        Config defaults = Config.builder().build();
        assertTrue(helpLine("--max-messages").endsWith("(default " + defaults.maxMessages() + ")"), helpLine("--max-messages"));
        assertTrue(helpLine("--max-message-length").endsWith("(default " + defaults.maxMessageLength() + ")"));
        assertTrue(helpLine("--port").endsWith("(default " + defaults.port() + ")"));
        assertTrue(helpLine("--host").endsWith("(default " + defaults.host() + ")"));
        assertTrue(helpLine("--max-waiters").endsWith("(default " + defaults.maxWaiters() + ")"));
        assertTrue(helpLine("--publish-rate").endsWith("(default " + defaults.publishRate() + ")"));
        assertTrue(helpLine("--open-publishing").endsWith("(default " + defaults.openPublishing() + ")"));
    }

    @Test
    void each_default_in_the_help_given_back_as_its_flag_changes_nothing() {
        Pattern shown = Pattern.compile("  (--[a-z-]+) \\S+ .*\\(default ([^:)][^)]*)\\)");
        List<String> checked = new ArrayList<>();
        for (String line : Config.usage().lines().toList()) {
            Matcher matcher = shown.matcher(line);
            if (matcher.matches()) {
                assertEquals(Config.DEFAULTS, parse(matcher.group(1), matcher.group(2)), line);
                checked.add(matcher.group(1));
            }
        }
        assertEquals(List.of("--host", "--port", "--redis-prefix", "--redis-retry", "--wait-timeout", "--max-messages", "--max-channels", "--channel-idle", "--max-message-length", "--open-publishing",
                "--max-body-bytes", "--max-header-bytes", "--max-waiters", "--keepalive", "--max-queued-bytes", "--publish-rate"), checked);
    }

    @Test
    void an_option_without_a_default_value_says_what_happens_instead() {
        assertNull(Config.DEFAULTS.redis());
        assertTrue(helpLine("--redis").endsWith("(default: in memory)"));
        assertNull(Config.DEFAULTS.publishKey());
        assertTrue(helpLine("--publish-key").endsWith("(default: a random one, printed at start-up)"));
        assertEquals(Config.NO_ADMIN_PORT, Config.DEFAULTS.adminPort());
        assertTrue(helpLine("--admin-port").endsWith("(default: the main port)"));
        assertTrue(helpLine("--cors-origin").endsWith("(default: none)"));
        assertTrue(helpLine("--trusted-proxy").endsWith("(default: none)"));
    }

    @Test
    void streams_keep_alive_every_15_seconds_and_hold_at_most_1_mib_for_a_slow_client_unless_told() {
        assertEquals(Duration.ofSeconds(15), parse().keepalive());
        assertEquals(1024 * 1024, parse().maxQueuedBytes());
        Config config = Config.parse(List.of("--keepalive", "0.5"), Map.of("NODECAST_MAX_QUEUED_BYTES", "65536"));
        assertEquals(Duration.ofMillis(500), config.keepalive());
        assertEquals(65_536, config.maxQueuedBytes());
    }

    @Test
    void flags_are_read_in_both_spellings() {
        Config config = parse("--host", "0.0.0.0", "--port=9000", "--redis", "redis://10.0.0.5:6380/2",
                "--wait-timeout=2.5", "--max-messages", "50", "--max-message-length=10");
        assertEquals("0.0.0.0", config.host());
        assertEquals(9000, config.port());
        assertEquals(URI.create("redis://10.0.0.5:6380/2"), config.redis());
        assertEquals(Duration.ofMillis(2500), config.waitTimeout());
        assertEquals(50, config.maxMessages());
        assertEquals(10, config.maxMessageLength());
    }

    @Test
    void trusted_proxies_are_ip_addresses_and_never_names() {
        assertEquals(java.util.Set.of("10.0.0.1", "0:0:0:0:0:0:0:1"), parse("--trusted-proxy", "10.0.0.1, ::1").trustedProxies());
        assertThrows(Config.Invalid.class, () -> parse("--trusted-proxy", "proxy.example"));
        assertThrows(Config.Invalid.class, () -> parse("--trusted-proxy", "10.0.0.256"));
        assertEquals(java.util.Set.of(), parse().trustedProxies());
    }

    @Test
    void a_sentinel_group_is_named_by_its_sentinels_and_master() {
        Config config = parse("--redis", "redis-sentinel://10.0.0.1:26379,10.0.0.2:26379/mymaster");
        assertEquals("redis-sentinel", config.redis().getScheme());
        assertEquals("10.0.0.1:26379,10.0.0.2:26379", config.redis().getAuthority());
        assertEquals("/mymaster", config.redis().getPath());
    }

    @Test
    void a_redis_cluster_is_named_by_any_of_its_nodes() {
        Config config = parse("--redis", "redis-cluster://user:secret@10.0.0.1:7000,10.0.0.2:7000");
        assertEquals("redis-cluster", config.redis().getScheme());
        assertEquals("user:secret@10.0.0.1:7000,10.0.0.2:7000", config.redis().getAuthority());
    }

    @Test
    void environment_variables_set_options_and_flags_win_over_them() {
        Map<String, String> env = Map.of("NODECAST_PORT", "7000", "NODECAST_WAIT_TIMEOUT", "3", "NODECAST_REDIS", "redis://r:1/0");
        Config fromEnv = Config.parse(List.of(), env);
        assertEquals(7000, fromEnv.port());
        assertEquals(Duration.ofSeconds(3), fromEnv.waitTimeout());
        assertEquals(URI.create("redis://r:1/0"), fromEnv.redis());
        assertEquals(7001, Config.parse(List.of("--port", "7001"), env).port());
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "--port|abc|--port must be a whole number from 0 to 65535, got 'abc'",
        "--port|70000|--port must be a whole number from 0 to 65535, got '70000'",
        "--port|-1|--port must be a whole number from 0 to 65535, got '-1'",
        "--wait-timeout|0|--wait-timeout must be a number of seconds, more than 0 and at most 60, got '0'",
        "--wait-timeout|61|--wait-timeout must be a number of seconds, more than 0 and at most 60, got '61'",
        "--wait-timeout|1e3|--wait-timeout must be a number of seconds, more than 0 and at most 60, got '1e3'",
        "--redis|http://x:1|--redis must look like redis://host:port/db, redis-sentinel://host:port[,host:port]/mastername or redis-cluster://host:port[,host:port], got 'http://x:1'",
        "--redis|redis://|--redis must look like redis://host:port/db, redis-sentinel://host:port[,host:port]/mastername or redis-cluster://host:port[,host:port], got 'redis://'",
        "--redis|redis-sentinel://a:1,b/m|--redis must look like redis://host:port/db, redis-sentinel://host:port[,host:port]/mastername or redis-cluster://host:port[,host:port], got 'redis-sentinel://a:1,b/m'",
        "--redis|redis-cluster://a:1/0|--redis must look like redis://host:port/db, redis-sentinel://host:port[,host:port]/mastername or redis-cluster://host:port[,host:port], got 'redis-cluster://a:1/0'",
        "--redis|redis-cluster://a|--redis must look like redis://host:port/db, redis-sentinel://host:port[,host:port]/mastername or redis-cluster://host:port[,host:port], got 'redis-cluster://a'",
        "--max-messages|0|--max-messages must be a whole number from 1 to 1000000, got '0'",
        "--host|' '|--host must be a host name or address, got ' '",
        "--keepalive|0|--keepalive must be a number of seconds, more than 0 and at most 300, got '0'",
        "--keepalive|301|--keepalive must be a number of seconds, more than 0 and at most 300, got '301'",
        "--max-queued-bytes|1023|--max-queued-bytes must be a whole number from 1024 to 1073741824, got '1023'",
    })
    void a_bad_value_stops_start_up_with_one_line_naming_the_flag(String flag, String value, String message) {
        Config.Invalid error = assertThrows(Config.Invalid.class, () -> parse(flag, value));
        assertEquals(message, error.getMessage());
        assertTrue(error.getMessage().lines().count() == 1);
    }

    @Test
    void a_bad_environment_variable_names_the_flag_it_stands_for() {
        Config.Invalid error = assertThrows(Config.Invalid.class,
                () -> Config.parse(List.of(), Map.of("NODECAST_PORT", "http")));
        assertTrue(error.getMessage().startsWith("--port "), error.getMessage());
    }

    @Test
    void an_unknown_flag_or_a_flag_without_value_is_refused() {
        assertEquals("unknown option --prot (see --help)", assertThrows(Config.Invalid.class, () -> parse("--prot", "1")).getMessage());
        assertEquals("--port needs a value", assertThrows(Config.Invalid.class, () -> parse("--port")).getMessage());
    }

    @Test
    void the_readme_options_table_lists_every_flag_with_its_variable_in_the_order_of_the_help() throws Exception {
        Pattern row = Pattern.compile("\\| `(--[a-z-]+)[^`]*` \\| `(NODECAST_[A-Z_]+)`.*");
        List<String> documented = new ArrayList<>();
        for (String line : java.nio.file.Files.readAllLines(java.nio.file.Path.of("README.md"))) {
            Matcher matcher = row.matcher(line);
            if (matcher.matches()) {
                documented.add(matcher.group(1) + " " + matcher.group(2));
            }
        }
        List<String> helped = new ArrayList<>();
        List<String> usage = Config.usage().lines().toList();
        for (int i = 0; i + 1 < usage.size(); i++) {
            Matcher flag = Pattern.compile("  (--[a-z-]+) .*").matcher(usage.get(i));
            Matcher env = Pattern.compile(" +env (NODECAST_[A-Z_]+)").matcher(usage.get(i + 1));
            if (flag.matches() && env.matches()) {
                helped.add(flag.group(1) + " " + env.group(1));
            }
        }
        assertTrue(helped.contains("--keepalive NODECAST_KEEPALIVE"), Config.usage());
        assertEquals(helped, documented);
    }

    @Test
    void usage_lists_every_flag_with_its_environment_variable() {
        String usage = Config.usage();
        for (String flag : List.of("--host", "--port", "--redis", "--wait-timeout", "--max-messages", "--max-message-length", "--help")) {
            assertTrue(usage.contains(flag), flag);
        }
        assertTrue(usage.contains("NODECAST_WAIT_TIMEOUT"));
    }
}
