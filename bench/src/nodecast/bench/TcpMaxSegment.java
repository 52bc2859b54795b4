package nodecast.bench;

import java.io.FileDescriptor;
import java.io.IOException;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.nio.channels.SocketChannel;

/**
 * Sets TCP_MAXSEG on a socket before it connects, so it announces a real network's MSS rather than
 * loopback's 64 KB. Linux sizes the server's send buffer for a connection from that MSS (twenty
 * segments and more, each rounded up to a power of two): on loopback about 3 MB for every reader
 * that never reads, which 1,000 of them would take past the machine's TCP memory limit
 * (/proc/sys/net/ipv4/tcp_mem); with 1,460 bytes, about 100 KB. Java has no such socket option:
 * this calls the JDK's own setsockopt, sun.nio.ch.Net, which run.sh opens to the bench
 * ({@code --add-opens java.base/sun.nio.ch=ALL-UNNAMED}).
 */
final class TcpMaxSegment {
    /** An Ethernet MTU of 1,500 less the IP and TCP headers: what a reader on the Internet announces. */
    static final int ETHERNET = 1_460;
    private static final int IPPROTO_TCP = 6;
    private static final int TCP_MAXSEG = 2;

    private TcpMaxSegment() {
    }

    static void set(SocketChannel channel, int bytes) throws IOException {
        try {
            Method fd = channel.getClass().getMethod("getFD");
            fd.setAccessible(true);
            // setIntOption0(fd, mayNeedConversion, level, option, value, isIPv6): a plain setsockopt.
            Method setIntOption = Class.forName("sun.nio.ch.Net").getDeclaredMethod("setIntOption0", FileDescriptor.class, boolean.class,
                    int.class, int.class, int.class, boolean.class);
            setIntOption.setAccessible(true);
            setIntOption.invoke(null, fd.invoke(channel), false, IPPROTO_TCP, TCP_MAXSEG, bytes, false);
        } catch (InvocationTargetException e) {
            throw new IOException("setting TCP_MAXSEG failed: " + e.getCause(), e.getCause());
        } catch (ReflectiveOperationException | RuntimeException e) {
            throw new IOException("cannot set TCP_MAXSEG (the bench's JVM needs --add-opens java.base/sun.nio.ch=ALL-UNNAMED,"
                    + " or give --loopback-mss): " + e, e);
        }
    }
}
