package nodecast.bench;

import java.nio.charset.StandardCharsets;

/**
 * How viewers are spread over channels: viewer j follows channel j mod {@code channels}, named
 * {@code s<channels>-<n>}, so each spread has channels of its own, with ids from 0, on one server.
 * Zero channels: every viewer follows the unprefixed endpoints (channel {@code default}).
 */
record ChannelSpread(int channels) {
    static final ChannelSpread NONE = new ChannelSpread(0);

    /** The channel one viewer follows: its number, and the path prefix its requests start with (empty for none). */
    record Follows(int channel, byte[] path) {
    }

    Follows follows(int viewer) {
        if (channels == 0) {
            return new Follows(0, new byte[0]);
        }
        int channel = viewer % channels;
        return new Follows(channel, path(channel).getBytes(StandardCharsets.US_ASCII));
    }

    /** Where channel {@code channel}'s endpoints are: {@code /c/NAME}. */
    String path(int channel) {
        return "/c/s" + channels + "-" + channel;
    }
}
