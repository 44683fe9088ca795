package org.headend.control.dtls;

import java.net.InetSocketAddress;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.ScheduledExecutorService;
import java.util.function.Function;
import java.util.function.IntConsumer;
import javax.net.ssl.ExtendedSSLSession;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLSession;
import org.agrona.concurrent.status.AtomicCounter;
import org.bouncycastle.tls.DTLSRequest;
import org.bouncycastle.tls.DTLSServerProtocol;
import org.bouncycastle.tls.DatagramSender;
import org.bouncycastle.tls.TlsServer;
import org.headend.control.http.HttpRequestView;
import org.headend.crypto.Aead;
import org.headend.crypto.kdf.ExporterLabels;
import org.headend.dataplane.api.CompressionMethod;
import org.headend.dataplane.api.Dataplane;
import org.headend.dataplane.api.DataplaneCounter;
import org.headend.dataplane.api.DtlsKeys;
import org.headend.dataplane.api.DtlsLink;
import org.headend.dataplane.api.DtlsPortListener;
import org.headend.dataplane.api.DtlsSocket;
import org.headend.dataplane.api.HandshakeQueue;
import org.headend.dataplane.api.TunnelHandle;
import org.headend.dataplane.api.TunnelListener;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * DTLS for the tunnels (docs/protocol/tunnel-and-dtls.md §5): at each CONNECT it chooses the mode from the client's
 * headers and registers the identity the answer gives out (a fresh App-ID or Session-ID every time, so each
 * reconnect rekeys DTLS); when a ClientHello names that identity and carries the cookie of its address (the
 * stateless HelloVerifyRequest exchange, {@link HelloCookies}), it runs the BouncyCastle handshake on a virtual
 * thread of its own and hands the record keys to a data-plane endpoint. Control thread except where noted.
 *
 * <p>Bounds (docs/design.md, DTLS handshakes): nothing is kept for a ClientHello before its cookie checks out; the
 * UDP port caps the handshakes running in all and per client address; each ends within
 * {@link HandshakeServers#HANDSHAKE_TIMEOUT_MILLIS}; a waiting handshake holds no platform thread, so handshakes that
 * stall (a replayed ClientHello whose sender never goes on) cannot keep others from starting.
 */
public final class DtlsService implements DtlsPortListener
{
    private static final int ID_BYTES = 32;
    private static final int MASTER_SECRET_BYTES = 48;
    private static final Logger LOG = LoggerFactory.getLogger(DtlsService.class);

    private final ScheduledExecutorService control;
    private final ExecutorService handshakes;
    private final DtlsSocket port;
    private final SecureRandom random = new SecureRandom();
    /** Written by control, read by the UDP event loop when a ClientHello comes. */
    private final Map<String, Offer> offers = new ConcurrentHashMap<>();
    /**
     * The same offers by tunnel, and how many live tunnels were told each UDP port: a tunnel's end (and the stop,
     * which ends every one) looks its offer up rather than scanning all of them, quadratic at 10,000 tunnels.
     */
    private final Map<Integer, Offer> offerOfTunnel = new ConcurrentHashMap<>();
    private final Map<Integer, Integer> tunnelsOnPort = new ConcurrentHashMap<>();
    private final Map<Integer, DtlsLink> endpoints = new HashMap<>();
    /** UDP event loop only. */
    private final HelloCookies cookies;
    private final AtomicCounter unknownHellos;
    private final AtomicCounter helloVerifies;
    private final AtomicCounter hellosOverRate;
    private final AtomicCounter failedHandshakes;

    /** What the headend told one tunnel's client about DTLS, until the tunnel ends. */
    private record Offer(String id, TunnelHandle tunnel, int mtu, int dpdSeconds,
        byte[] psk, byte[] masterSecret, DtlsSuite suite, CompressionMethod compression, TunnelListener listener,
        HelloBudget hellos, int udpPort)
    {
        int tunnelId()
        {
            return tunnel.id();
        }
    }

    /** A ClientHello whose id names {@code offer} and whose cookie checked out. */
    private record Admitted(Offer offer, DTLSRequest request) implements Admission
    {
    }

    /** The DTLS lines of a CONNECT answer. */
    public record Answer(List<Map.Entry<String, String>> headers)
    {
    }

    private IntConsumer onUp = tunnelId -> { };
    private IntConsumer portReleased = udpPort -> { };

    /**
     * @param control    the control thread
     * @param handshakes runs each of BouncyCastle's blocking handshakes on a thread of its own (virtual threads)
     * @param dataplane  owner of the DTLS port, which it opens here
     * @param udp        how the port's sockets are made
     * @param aead       the AEAD implementation the appliance chose at start
     */
    public DtlsService(final ScheduledExecutorService control, final ExecutorService handshakes,
        final Dataplane dataplane, final DtlsSocket.Options udp, final Function<byte[], Aead> aead)
    {
        this.control = control;
        this.handshakes = handshakes;
        // the port reports ClientHellos to this service, but only once a socket is bound, after construction
        this.port = dataplane.openDtls(this, udp, aead);
        this.cookies = new HelloCookies(HandshakeServers.crypto(), System.nanoTime());
        this.unknownHellos = dataplane.counters().counter(DataplaneCounter.DTLS_UNKNOWN_SESSION_HELLOS);
        this.helloVerifies = dataplane.counters().counter(DataplaneCounter.DTLS_HELLO_VERIFY_SENT);
        this.hellosOverRate = dataplane.counters().counter(DataplaneCounter.DTLS_HELLOS_OVER_RATE);
        this.failedHandshakes = dataplane.counters().counter(DataplaneCounter.DTLS_HANDSHAKES_FAILED);
    }

    /** The DTLS port, to bind its sockets. */
    public DtlsSocket port()
    {
        return port;
    }

    /**
     * Decides whether and how this CONNECT gets DTLS, and registers its identity.
     *
     * @param request       the CONNECT request (the client's X-DTLS-* offers)
     * @param tls           the TLS session of the CONNECT connection (for the PSK exporter)
     * @param tunnel        the new tunnel
     * @param mtu           the tunnel MTU
     * @param dpdSeconds    DTLS DPD interval announced to the client
     * @param keepalive     DTLS keepalive announced to the client
     * @param udpPort       the DTLS port
     * @param compression   the method negotiated for DTLS (LZS or none), announced here and used by the endpoint
     * @param listener      the tunnel's events (DISCONNECT over DTLS)
     * @return the answer's DTLS headers, or null for no DTLS on this tunnel
     */
    public Answer offer(final HttpRequestView request, final SSLSession tls, final TunnelHandle tunnel,
        final int mtu, final int dpdSeconds, final int keepalive, final int udpPort,
        final CompressionMethod compression, final TunnelListener listener)
    {
        final String dtlsList = request.header("X-DTLS-CipherSuite");
        final String dtls12List = request.header("X-DTLS12-CipherSuite");
        final List<Map.Entry<String, String>> headers = new ArrayList<>();
        final byte[] id = new byte[ID_BYTES];
        random.nextBytes(id);
        final String idHex = HexFormat.of().formatHex(id);
        Offer offer = null;
        if (DtlsSuite.listed(dtlsList, "PSK-NEGOTIATE"))
        {
            final byte[] psk = exportPsk(tls);
            if (psk != null)
            {
                offer = new Offer(idHex, tunnel, mtu, dpdSeconds, psk, null, null, compression,
                    listener, new HelloBudget(), udpPort);
                headers.add(Map.entry("X-DTLS-App-ID", idHex));
                headers.add(Map.entry("X-DTLS-CipherSuite", "PSK-NEGOTIATE"));
            }
        }
        final byte[] masterSecret = masterSecret(request.header("X-DTLS-Master-Secret"));
        if (offer == null && masterSecret != null)
        {
            final DtlsSuite dtls12 = DtlsSuite.choose(DtlsSuite.RESUMPTION, dtls12List);
            final DtlsSuite ocName = dtls12 == null ? DtlsSuite.choose(DtlsSuite.OPENCONNECT_NAMES, dtlsList) : null;
            final DtlsSuite suite = dtls12 != null ? dtls12 : ocName;
            if (suite != null)
            {
                offer = new Offer(idHex, tunnel, mtu, dpdSeconds, null, masterSecret, suite,
                    compression, listener, new HelloBudget(), udpPort);
                headers.add(Map.entry("X-DTLS-Session-ID", idHex.toUpperCase(java.util.Locale.ROOT)));
                headers.add(Map.entry(dtls12 != null ? "X-DTLS12-CipherSuite" : "X-DTLS-CipherSuite", suite.headerName()));
                headers.add(Map.entry("X-DTLS-MTU", Integer.toString(mtu)));
            }
        }
        if (offer == null)
        {
            return null;
        }
        headers.add(Map.entry("X-DTLS-Port", Integer.toString(udpPort)));
        headers.add(Map.entry("X-DTLS-DPD", Integer.toString(dpdSeconds)));
        headers.add(Map.entry("X-DTLS-Keepalive", Integer.toString(keepalive)));
        if (compression != CompressionMethod.NONE)
        {
            headers.add(Map.entry("X-DTLS-Content-Encoding", compression.token()));
        }
        offers.put(idHex, offer);
        tunnelsOnPort.merge(udpPort, 1, Integer::sum);
        final Offer replaced = offerOfTunnel.put(tunnel.id(), offer);
        // a tunnel has one DTLS identity: the newer offer is the one its client was told
        if (replaced != null && forget(replaced))
        {
            portReleased.accept(replaced.udpPort());
        }
        return new Answer(headers);
    }

    /** Who hears that a tunnel's DTLS came up (metrics, syslog); called on the control thread. */
    public void onUp(final IntConsumer listener)
    {
        onUp = listener;
    }

    /** The tunnel ended: its DTLS identity stops working and its endpoint goes. */
    public void onTunnelGone(final int tunnelId)
    {
        final Offer offer = offerOfTunnel.remove(tunnelId);
        final DtlsLink endpoint = endpoints.remove(tunnelId);
        if (endpoint != null)
        {
            port.remove(endpoint);
        }
        if (offer != null && forget(offer))
        {
            portReleased.accept(offer.udpPort());
        }
    }

    /** Drops an offer's identity; true when it was the last one on its UDP port. */
    private boolean forget(final Offer offer)
    {
        offers.remove(offer.id());
        return tunnelsOnPort.computeIfPresent(offer.udpPort(), (p, n) -> n == 1 ? null : n - 1) == null;
    }

    /**
     * Who hears that no tunnel uses a UDP port any more (the last tunnel told to use it ended), on the control
     * thread: a socket kept open on an old {@code dtls port} for its tunnels may close.
     */
    public void onPortReleased(final IntConsumer listener)
    {
        portReleased = listener;
    }

    /** The UDP ports live tunnels were told (X-DTLS-Port) to use. Any thread. */
    public java.util.Set<Integer> portsInUse()
    {
        return java.util.Set.copyOf(tunnelsOnPort.keySet());
    }

    /** The UDP port the tunnel's client was told to use, or 0 when it was offered no DTLS. */
    public int udpPort(final int tunnelId)
    {
        final Offer offer = offerOfTunnel.get(tunnelId);
        return offer == null ? 0 : offer.udpPort();
    }

    /** The live DTLS channel of a tunnel, for the CLI, or null. */
    public DtlsLink endpoint(final int tunnelId)
    {
        return endpoints.get(tunnelId);
    }

    /**
     * UDP event loop: an unknown id is ignored, and so is a hello over its tunnel's {@link HelloBudget}, before any
     * HMAC; a missing or stale cookie is answered; nothing is kept either way.
     */
    @Override
    public Admission admit(final InetSocketAddress peer, final byte[] sessionId, final byte[] datagram,
        final int length, final long nowNanos)
    {
        final Offer offer = offers.get(HexFormat.of().formatHex(sessionId));
        if (offer == null)
        {
            // no tunnel gave out this id (a probe, or a stale client): no answer, so no amplification
            unknownHellos.increment();
            return null;
        }
        if (!offer.hellos().take(datagram, length, sessionId.length, nowNanos))
        {
            // a replay of this tunnel's hello: no cookie work on the loop every tunnel's packets go through
            hellosOverRate.increment();
            return null;
        }
        final DTLSRequest request = cookies.verify(peer, datagram, length, new DatagramSender()
        {
            @Override
            public int getSendLimit()
            {
                return HandshakeTransport.SEND_LIMIT;
            }

            @Override
            public void send(final byte[] buf, final int off, final int len)
            {
                // a HelloVerifyRequest is smaller than the ClientHello it answers: no amplification
                helloVerifies.increment();
                port.send(peer, buf, off, len);
            }
        }, nowNanos);
        return request == null ? null : new Admitted(offer, request);
    }

    /** UDP event loop: starts the admitted handshake on a thread of its own. */
    @Override
    public void onClientHello(final InetSocketAddress peer, final Admission admission, final HandshakeQueue queue)
    {
        final Admitted admitted = (Admitted)admission;
        final Offer offer = admitted.offer();
        final HandshakeTransport transport = new HandshakeTransport((datagram, offset, length) ->
            port.send(peer, datagram, offset, length), peer, queue);
        handshakes.execute(() ->
        {
            DtlsKeys keys = null;
            String failure = null;
            try
            {
                // made here, not on the UDP loop: each server seeds a SecureRandom of its own
                final TlsServer server = offer.psk() != null ? new HandshakeServers.Psk(offer.psk())
                    : new HandshakeServers.Resumption(HexFormat.of().parseHex(offer.id()), offer.masterSecret(),
                        offer.suite());
                // the returned transport is BC's record layer, which the data plane replaces: it is dropped, never
                // closed, since closing would send a close_notify the client would act on
                new DTLSServerProtocol().accept(server, transport, admitted.request());
                transport.flush();
                keys = server instanceof HandshakeServers.Psk psk ? psk.keys()
                    : ((HandshakeServers.Resumption)server).keys();
            }
            catch (final Exception ex)
            {
                failure = ex.toString();
            }
            final DtlsKeys done = keys;
            final String why = failure;
            control.execute(() -> finishHandshake(offer, transport, done, why));
        });
    }

    private void finishHandshake(final Offer offer, final HandshakeTransport transport, final DtlsKeys keys,
        final String failure)
    {
        if (keys == null || !offers.containsKey(offer.id()))
        {
            port.endHandshake(transport.peer(), transport.queue());
            if (keys == null)
            {
                failedHandshakes.increment();
                // debug: a stalled handshake is what a replaying attacker causes at will; the counter shows them
                LOG.debug("DTLS handshake with {} for tunnel {} failed: {}", transport.peer(), offer.tunnelId(),
                    failure);
            }
            else
            {
                LOG.info("DTLS handshake with {} finished after tunnel {} ended; discarded", transport.peer(),
                    offer.tunnelId());
            }
            return;
        }
        final DtlsLink endpoint = port.install(offer.tunnel(), transport.queue(), keys, transport.peer(),
            transport.lastFlight(), offer.mtu(), offer.dpdSeconds(), offer.compression(), offer.listener());
        final DtlsLink old = endpoints.put(offer.tunnelId(), endpoint);
        if (old != null && old.peer().equals(endpoint.peer()))
        {
            LOG.debug("tunnel {}: DTLS re-handshake from the same address", offer.tunnelId());
        }
        LOG.info("tunnel {}: DTLS up with {} ({}, {})", offer.tunnelId(), transport.peer(),
            offer.psk() != null ? "PSK-NEGOTIATE" : "resumption " + offer.suite().headerName(), keys.cipherName());
        onUp.accept(offer.tunnelId());
    }

    private static byte[] exportPsk(final SSLSession tls)
    {
        if (!(tls instanceof ExtendedSSLSession extended))
        {
            return null;
        }
        try
        {
            // a null context, not an empty one: with TLS 1.2 the two give different keys, and openconnect uses none
            return extended.exportKeyingMaterialData(ExporterLabels.OPENCONNECT_PSK_LABEL, null,
                ExporterLabels.OPENCONNECT_PSK_LENGTH);
        }
        catch (final SSLException | UnsupportedOperationException ex)
        {
            LOG.info("no DTLS PSK from this TLS session ({}); offering resumption only", ex.toString());
            return null;
        }
    }

    /** The client's X-DTLS-Master-Secret: exactly 96 hex digits, else null (then no resumption mode). */
    static byte[] masterSecret(final String hex)
    {
        if (hex == null || hex.length() != 2 * MASTER_SECRET_BYTES || !hex.chars().allMatch(c -> Character.digit(c, 16) >= 0))
        {
            return null;
        }
        return HexFormat.of().parseHex(hex);
    }
}
