package nodecast.publish;

import io.undertow.server.HttpServerExchange;
import io.undertow.util.HeaderValues;
import io.undertow.util.Headers;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * The address a publish counts against for the rate limit: the peer, unless the peer is one of
 * the operator's proxies, which name the client in {@code X-Forwarded-For}. The header is believed
 * only from those proxies; from anyone else it would let a client pick its own address.
 */
public final class ClientAddress {
    private final Set<String> trustedProxies;

    /** {@code trustedProxies}: addresses in {@link #normal} form. */
    public ClientAddress(Set<String> trustedProxies) {
        this.trustedProxies = trustedProxies;
    }

    String of(HttpServerExchange exchange) {
        String peer = exchange.getSourceAddress().getAddress().getHostAddress();
        if (!trustedProxies.contains(peer)) {
            return peer;
        }
        // Each proxy appends the address it saw, so the client is the rightmost hop that is not ours.
        List<String> hops = new ArrayList<>();
        HeaderValues headers = exchange.getRequestHeaders().get(Headers.X_FORWARDED_FOR);
        for (String header : headers == null ? List.<String>of() : headers) {
            for (String hop : header.split(",")) {
                hops.add(hop.strip());
            }
        }
        for (int i = hops.size() - 1; i >= 0; i--) {
            String hop = normal(hops.get(i));
            if (hop == null) {
                return peer; // a garbled header: count the proxy rather than trust the rest of it
            }
            if (!trustedProxies.contains(hop)) {
                return hop;
            }
        }
        return peer;
    }

    /**
     * The address in Java's canonical text form, or null if {@code text} is not an IP literal.
     * Built from the literal's bytes, which never asks a resolver: a client's header must not
     * make an IO thread wait on DNS.
     */
    public static String normal(String text) {
        byte[] bytes = IpLiteral.parse(text);
        if (bytes == null) {
            return null;
        }
        try {
            return InetAddress.getByAddress(bytes).getHostAddress();
        } catch (UnknownHostException e) {
            throw new IllegalStateException("4 or 16 bytes are always an address", e);
        }
    }
}
