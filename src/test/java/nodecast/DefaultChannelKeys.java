package nodecast;

import java.nio.charset.StandardCharsets;
import java.util.zip.CRC32;

/**
 * The Redis keys of channel {@code default} under the prefix {@code nodecast}, written out as the
 * README gives the layout, for tests that edit Redis as a failover would leave it.
 */
final class DefaultChannelKeys {
    private static final String PARTITION;

    static {
        CRC32 crc = new CRC32();
        crc.update("default".getBytes(StandardCharsets.UTF_8));
        PARTITION = "nodecast:{p" + crc.getValue() % 64 + "}";
    }

    static final String SEQ = PARTITION + ":c:default:seq";
    static final String LOG = PARTITION + ":c:default:log";
    static final String LOG_ID = PARTITION + ":c:default:log-id";
    static final String EVENTS = PARTITION + ":events";

    private DefaultChannelKeys() {
    }
}
