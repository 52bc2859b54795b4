package nodecast.http;

import io.undertow.server.HttpServerExchange;
import io.undertow.util.AttachmentKey;
import nodecast.fanout.Broadcaster;
import nodecast.fanout.Channels;
import nodecast.log.ChannelLimitException;
import nodecast.log.ChannelName;

/** The channel a request is about: named by its {@code /c/NAME/} prefix, or {@code default} without one. */
public final class Channel {
    static final AttachmentKey<ChannelName> KEY = AttachmentKey.create(ChannelName.class);

    private Channel() {
    }

    public static ChannelName of(HttpServerExchange exchange) {
        ChannelName name = exchange.getAttachment(KEY);
        return name == null ? ChannelName.DEFAULT : name;
    }

    /**
     * The broadcaster of the request's channel, or null after answering 503 itself: the server
     * holds as many channels as it may.
     */
    public static Broadcaster broadcasterOrRefuse(HttpServerExchange exchange, Channels channels) {
        try {
            return channels.broadcaster(of(exchange));
        } catch (ChannelLimitException e) {
            Replies.error(exchange, 503, e.getMessage());
            return null;
        }
    }

    /** The path of {@code endpoint} (e.g. {@code since}) on the channel of {@code exchange}, as its links should name it. */
    public static String path(HttpServerExchange exchange, String endpoint) {
        ChannelName name = exchange.getAttachment(KEY);
        return name == null ? "/" + endpoint : "/c/" + name.value() + "/" + endpoint;
    }
}
