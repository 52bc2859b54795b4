package nodecast.log.redis;

import nodecast.log.LogSlice;
import nodecast.log.Message;

/**
 * One read of a channel's log that its {@link ChannelSync} asked for, run on a reader thread so
 * the sync thread never waits for Redis.
 *
 * @param kind     what to read
 * @param from     for {@link Kind#SINCE}: the first id read
 * @param held     for {@link Kind#SINCE}: the message this instance holds at {@code from}, which Redis must hold too; null for none
 * @param goneBack for {@link Kind#RENEW}: the log whose sequence went back
 */
record ChannelRead(Kind kind, long from, Message held, String goneBack) {
    /** The most messages one read of what was missed brings: a long outage is caught up in steps, between which the sync does everything else. */
    static final int CATCH_UP = 1_000;

    enum Kind {
        /** The newest messages the log keeps, as many as it keeps. */
        NEWEST,
        /** What was missed: from the newest message held (to compare it) or the next id on. */
        SINCE,
        /** A new log id for a log whose sequence went back, then its newest messages. */
        RENEW
    }

    static ChannelRead newest() {
        return new ChannelRead(Kind.NEWEST, 0, null, null);
    }

    static ChannelRead since(long from, Message held) {
        return new ChannelRead(Kind.SINCE, from, held, null);
    }

    static ChannelRead renew(String goneBack) {
        return new ChannelRead(Kind.RENEW, 0, null, goneBack);
    }

    /** Runs the read; blocks on Redis. */
    LogSlice run(RedisCommands commands, nodecast.log.ChannelName channel, int maxMessages) {
        return switch (kind) {
            case NEWEST -> commands.newest(channel, maxMessages);
            case SINCE -> commands.since(channel, from, CATCH_UP);
            case RENEW -> {
                commands.renew(channel, goneBack);
                yield commands.newest(channel, maxMessages);
            }
        };
    }
}
