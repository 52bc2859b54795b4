package nodecast.log.redis;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import nodecast.log.ChannelName;
import nodecast.log.LogUnavailableException;
import redis.clients.jedis.CommandObjects;
import redis.clients.jedis.Connection;
import redis.clients.jedis.RedisProtocol;
import redis.clients.jedis.exceptions.JedisDataException;
import redis.clients.jedis.exceptions.JedisException;

/**
 * Whether the Redis user may run every command nodecast runs, on keys and channels of its layout,
 * asked of Redis itself ({@code redis.acl_check_cmd}, with the user's own rights) on every server
 * that holds channels. A command refused half-way through a script would leave a write half done,
 * and a WAIT refused would leave every write unconfirmed: better not to start at all.
 */
final class RedisPermissions {
    /** ARGV: one command to check each, its words separated by spaces. Returns the first the user may not run, or false. */
    private static final String CHECK = """
            for _, command in ipairs(ARGV) do
              local words = {}
              for word in string.gmatch(command, '%S+') do table.insert(words, word) end
              if not redis.acl_check_cmd(unpack(words)) then return words[1] end
            end
            return false
            """;
    private static final Pattern NOPERM = Pattern.compile("NOPERM .*'([a-z|]+)' command");

    private final List<String> commands;
    private final CommandObjects scripts = new CommandObjects(RedisProtocol.RESP2);

    /** The commands of a deployment under {@code keys}, on a database {@code database}; {@code replicated}: writes wait for a replica. */
    RedisPermissions(RedisKeys keys, int database, boolean replicated) {
        ChannelName sample = new ChannelName("x");
        List<String> channelKeys = keys.of(sample);
        String seq = channelKeys.get(0);
        String log = channelKeys.get(1);
        String idem = channelKeys.get(3);
        String order = channelKeys.get(4);
        String logs = channelKeys.get(5);
        String events = keys.events(sample);
        List<String> all = new ArrayList<>(List.of("ping", "client setname nodecast", "exists " + seq, "get " + seq, "set " + seq + " 0",
                "incr " + seq, "del " + log, "zadd " + log + " 0 m", "zcard " + log, "zrange " + log + " 0 0",
                "zremrangebyrank " + log + " 0 0", "hget " + idem + " k", "hset " + idem + " k v", "hdel " + idem + " k",
                "rpush " + order + " k", "lpop " + order, "hget " + logs + " k", "hset " + logs + " k v", "hincrby " + logs + " k 1",
                "set " + keys.attempt(sample, "t") + " 0 px 1", "spublish " + events + " m", "ssubscribe " + events));
        if (replicated) {
            all.add("wait 1 0");
        }
        if (database != 0) {
            all.add("select " + database);
        }
        this.commands = List.copyOf(all);
    }

    /**
     * The first command the user may not run, upper case, or null when it may run them all. Throws
     * {@link LogUnavailableException} when a server cannot be asked.
     */
    String forbidden(List<Supplier<Connection>> servers) {
        for (Supplier<Connection> server : servers) {
            try (Connection connection = server.get()) {
                Object denied = connection.executeCommand(scripts.eval(CHECK, List.of(), commands));
                if (denied != null) {
                    return RedisCommands.text(denied).toUpperCase(Locale.ROOT);
                }
            } catch (JedisDataException e) {
                Matcher refused = NOPERM.matcher(String.valueOf(e.getMessage()));
                if (refused.find()) {
                    return refused.group(1).replace('|', ' ').toUpperCase(Locale.ROOT);
                }
                throw new LogUnavailableException("cannot ask Redis what the user may run: " + e.getMessage(), e);
            } catch (JedisException e) {
                throw new LogUnavailableException("cannot ask Redis what the user may run: " + e.getMessage(), e);
            }
        }
        return null;
    }

    /** What nodecast runs, for the operator told one is missing. */
    String needed() {
        return String.join(", ", commands.stream().map(command -> command.split(" ")[0].toUpperCase(Locale.ROOT)).distinct().toList())
                + " and EVAL";
    }
}
