package org.headend.control.ike.sa;

import java.net.InetSocketAddress;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.util.ArrayList;
import java.util.List;
import org.headend.control.ike.codec.CpPayload;
import org.headend.control.ike.codec.Ike;
import org.headend.control.ike.codec.IkeHeader;
import org.headend.control.ike.codec.IkeParseException;
import org.headend.control.ike.codec.Notification;
import org.headend.control.ike.codec.PayloadSet;
import org.headend.control.ike.codec.PayloadWriter;
import org.headend.control.ike.crypto.AuthPayloads;
import org.headend.control.ike.crypto.DhGroup;
import org.headend.control.ike.crypto.IkeKeys;
import org.headend.control.ike.crypto.IkeSuite;
import org.headend.control.ike.crypto.KeySchedule;
import org.headend.control.ike.eap.EapAnyConnectServer;
import org.headend.control.ike.eap.EapMethod;
import org.headend.control.ike.eap.EapResult;
import org.headend.control.ike.eap.EapServer;
import org.headend.control.ike.eap.LocalCredentials;

/**
 * One IKE SA on the responder side, from the end of IKE_SA_INIT to its deletion, without I/O: each request gets
 * exactly one response, cached and resent byte for byte when the request is retransmitted (RFC 7296 §2.1); message
 * IDs are checked strictly with a window of one. IKE_AUTH authenticates the client by EAP (Identity, then
 * MSCHAPv2 or GTC; EAP-AnyConnect for a Cisco AnyConnect client, see {@link CiscoClient}) or by a pre-shared key,
 * proves our identity with the trustpoint's signature (or a PSK), assigns the client its address through CP and
 * brings up the first CHILD_SA. Afterwards it answers INFORMATIONAL (liveness,
 * deletes) and CREATE_CHILD_SA (CHILD_SA rekey, IKE SA rekey), and sends its own liveness checks and deletes.
 * Runs on the control thread only.
 */
public final class IkeSa
{
    /** IKE_AUTH round trips at most (EAP-MSCHAPv2 needs five). */
    static final int MAX_AUTH_ROUNDS = 10;
    /** How long an SA may take from IKE_SA_INIT to its first CHILD_SA. */
    static final long NEGOTIATION_TIMEOUT_NANOS = 30_000_000_000L;
    /** Our own requests: first retransmission after this, then doubling, {@link #MAX_RETRANSMITS} times. */
    static final long RETRANSMIT_NANOS = 2_000_000_000L;
    static final int MAX_RETRANSMITS = 5;

    /** Where the exchange stands. */
    public enum State
    {
        /** IKE_SA_INIT done, waiting for the first IKE_AUTH. */
        INIT_DONE,
        /** EAP rounds in IKE_AUTH. */
        EAP,
        /** EAP succeeded; waiting for the client's AUTH. */
        EAP_DONE,
        ESTABLISHED,
        CLOSED
    }

    private final ResponderContext context;
    private final long spiI;
    private final long spiR;
    private final IkeSuite suite;
    private final IkeKeys keys;
    private final byte[] ni;
    private final byte[] nr;
    private final byte[] initRequest;
    private final byte[] initResponse;
    private final boolean natDetected;
    private final long createdNanos;
    private final MessageProtection protection;
    private final FragmentAssembly fragments = new FragmentAssembly();
    private InetSocketAddress peer;
    private InetSocketAddress local;
    private State state = State.INIT_DONE;

    private long expectedRequestId = 1;
    private long lastResponseId = -1;
    /** Our last response: one datagram, or its RFC 7383 fragments. */
    private List<byte[]> lastResponse;
    private boolean peerFragments;
    /** The IKE_SA_INIT carried the EAP-AnyConnect vendor ID. */
    private boolean ciscoVid;
    private long lastHeardNanos;

    private long nextOwnRequestId;
    private byte[] outstandingRequest;
    private long outstandingId = -1;
    private int retransmits;
    private long nextRetransmitNanos;

    private int authRounds;
    private PayloadSet firstAuth;
    private EapMethod eap;
    /** The EAP method when the client is Cisco AnyConnect, else null. */
    private EapAnyConnectServer anyConnect;
    /**
     * The client's EAP goes to an AAA server. While {@link #awaitingHost} the IKE_AUTH request waits for the host's
     * answer (the server's, or the verdict on an EAP-GTC password).
     */
    private boolean relayed;
    private boolean awaitingHost;
    private long waitingRequestId;
    private byte[] msk;
    private String username;
    private byte[] idrBody;
    private ClientConfig config;
    private final List<ChildSa> children = new ArrayList<>();
    private final List<ChildSa> retiring = new ArrayList<>();
    private IkeSa replacedBy;

    IkeSa(final ResponderContext context, final long spiI, final long spiR, final IkeSuite suite, final IkeKeys keys,
        final byte[] ni, final byte[] nr, final byte[] initRequest, final byte[] initResponse,
        final boolean natDetected, final InetSocketAddress peer, final InetSocketAddress local, final long nowNanos)
    {
        this.context = context;
        this.spiI = spiI;
        this.spiR = spiR;
        this.suite = suite;
        this.keys = keys;
        this.ni = ni;
        this.nr = nr;
        this.initRequest = initRequest;
        this.initResponse = initResponse;
        this.natDetected = natDetected;
        this.peer = peer;
        this.local = local;
        this.createdNanos = nowNanos;
        this.lastHeardNanos = nowNanos;
        protection = new MessageProtection(spiI, spiR, suite.cipher(keys.skEi(), keys.skAi()),
            suite.cipher(keys.skEr(), keys.skAr()), false);
    }

    public long initiatorSpi()
    {
        return spiI;
    }

    public long responderSpi()
    {
        return spiR;
    }

    public InetSocketAddress peer()
    {
        return peer;
    }

    public InetSocketAddress local()
    {
        return local;
    }

    public State state()
    {
        return state;
    }

    /** The peer announced IKEV2_FRAGMENTATION_SUPPORTED: our large messages may go to it in fragments. */
    void peerTakesFragments()
    {
        peerFragments = true;
    }

    boolean peerFragments()
    {
        return peerFragments;
    }

    /** The peer announced EAP-AnyConnect in IKE_SA_INIT: it is a Cisco AnyConnect client. */
    void ciscoAnyConnect()
    {
        ciscoVid = true;
    }

    /**
     * The tunnel-group a Cisco AnyConnect client's EAP-AnyConnect {@code init} selected (its {@code group-access}),
     * or null: not such a client, or not that far yet. It decides the login's group instead of the IDi.
     */
    public String anyConnectTunnelGroup()
    {
        return anyConnect == null ? null : anyConnect.tunnelGroup();
    }

    public IkeSuite suite()
    {
        return suite;
    }

    /** Whether NAT detection found a NAT (so ESP and IKE run on UDP 4500). */
    public boolean natDetected()
    {
        return natDetected;
    }

    /** The authenticated user (EAP identity, or IDi with a PSK), or null before authentication. */
    public String username()
    {
        return username;
    }

    /** The type of the client's IDi ({@code Ike.ID_KEY_ID} …), or 0 before its first IKE_AUTH. */
    public int initiatorIdType()
    {
        return firstAuth == null ? 0 : firstAuth.idiType();
    }

    /** The client's IDi as text (KEY_ID, FQDN and RFC822 as sent), or null before its first IKE_AUTH. */
    public String initiatorId()
    {
        return firstAuth == null ? null : firstAuth.idiText();
    }

    /** What {@link IkeHost#admit} gave the client, or null before. */
    public ClientConfig config()
    {
        return config;
    }

    public List<ChildSa> children()
    {
        return List.copyOf(children);
    }

    public long createdNanos()
    {
        return createdNanos;
    }

    /** The init request bytes, so a retransmitted IKE_SA_INIT can be recognised. */
    byte[] initRequest()
    {
        return initRequest;
    }

    byte[] initResponse()
    {
        return initResponse;
    }

    /** A message for this SA (its SPIs matched): a request from the client or a response to ours. */
    void onMessage(final IkeHeader header, final byte[] datagram, final InetSocketAddress from,
        final InetSocketAddress to, final long nowNanos, final List<IkeAction> out)
    {
        if (state == State.CLOSED || !header.fromInitiator())
        {
            return;
        }
        if (header.isResponse())
        {
            onResponse(header, datagram, nowNanos);
            return;
        }
        final long id = header.messageId();
        final boolean fragmented = MessageProtection.fragmented(header);
        if (id == lastResponseId && lastResponse != null)
        {
            // a retransmitted fragmented request is answered once, on its first fragment (RFC 7383 §2.6.1)
            if (!fragmented || fragmentNumber(header) == 1)
            {
                for (final byte[] cached : lastResponse)
                {
                    out.add(new IkeAction.Send(from, to, cached));
                }
            }
            return;
        }
        if (id != expectedRequestId || awaitingHost)
        {
            // a retransmission while the AAA server decides: the answer goes out once it has
            return;
        }
        final PayloadSet payloads;
        try
        {
            if (fragmented)
            {
                final MessageProtection.Fragment fragment = protection.openFragment(header, datagram);
                context.stats.fragmentIn();
                final byte[] whole = fragments.add(id, fragment.number(), fragment.total(), fragment.firstType(),
                    fragment.content());
                if (whole == null)
                {
                    return;
                }
                context.stats.reassembled();
                payloads = MessageProtection.decode(whole, fragments.firstType());
            }
            else
            {
                payloads = protection.open(header, datagram);
            }
        }
        catch (final GeneralSecurityException | IkeParseException ex)
        {
            // unauthenticated or broken: dropped without an answer (§2.21.2)
            return;
        }
        lastHeardNanos = nowNanos;
        peer = from;
        local = to;
        final PayloadWriter inner = MessageProtection.inner();
        switch (header.exchangeType())
        {
            case Ike.IKE_AUTH -> onAuth(payloads, inner, out);
            case Ike.INFORMATIONAL -> onInformational(payloads, inner, out);
            case Ike.CREATE_CHILD_SA -> onCreateChild(payloads, inner, out, nowNanos);
            default -> inner.notify(Ike.INVALID_SYNTAX, new byte[0]);
        }
        if (awaitingHost)
        {
            waitingRequestId = id;
            return;
        }
        respond(header.exchangeType(), id, inner, out);
    }

    private static int fragmentNumber(final IkeHeader header)
    {
        final int last = header.payloads().count() - 1;
        return header.payloads().bodyLength(last) < 4 ? 0
            : header.buffer().getShort(header.payloads().bodyOffset(last)) & 0xffff;
    }

    private void respond(final int exchange, final long id, final PayloadWriter inner, final List<IkeAction> out)
    {
        try
        {
            final byte[] whole = protection.seal(exchange, true, id, inner);
            final int room = roomForMessage();
            lastResponse = peerFragments && room > 0 && whole.length > room
                ? protection.sealFragments(exchange, true, id, inner, room) : List.of(whole);
        }
        catch (final GeneralSecurityException ex)
        {
            throw new IllegalStateException("sealing our own response failed", ex);
        }
        if (lastResponse.size() > 1)
        {
            context.stats.fragmentedOut(lastResponse.size());
        }
        lastResponseId = id;
        expectedRequestId = id + 1;
        for (final byte[] datagram : lastResponse)
        {
            out.add(new IkeAction.Send(peer, local, datagram));
        }
    }

    /**
     * The largest IKE message that fits the fragment MTU as one IP datagram to the peer: less the IP and UDP headers
     * and, on 4500, the non-ESP marker; 0 when we never fragment.
     */
    private int roomForMessage()
    {
        final int mtu = context.policy.fragmentMtu();
        if (mtu == 0)
        {
            return 0;
        }
        final int ip = peer.getAddress() instanceof java.net.Inet6Address ? 40 : 20;
        return mtu - ip - 8 - (local.getPort() == 500 ? 0 : 4);
    }

    private void onResponse(final IkeHeader header, final byte[] datagram, final long nowNanos)
    {
        if (header.messageId() != outstandingId)
        {
            return;
        }
        try
        {
            protection.open(header, datagram);
        }
        catch (final GeneralSecurityException | IkeParseException ex)
        {
            return;
        }
        outstandingId = -1;
        outstandingRequest = null;
        lastHeardNanos = nowNanos;
    }

    // ---------------------------------------------------------------- IKE_AUTH

    private void onAuth(final PayloadSet payloads, final PayloadWriter inner, final List<IkeAction> out)
    {
        if (++authRounds > MAX_AUTH_ROUNDS || state == State.ESTABLISHED)
        {
            fail(inner, out, "too many IKE_AUTH rounds");
            return;
        }
        switch (state)
        {
            case INIT_DONE -> onFirstAuth(payloads, inner, out);
            case EAP -> onEap(payloads, inner, out);
            case EAP_DONE -> onFinalAuth(payloads, inner, out);
            default -> fail(inner, out, "IKE_AUTH in state " + state);
        }
    }

    private void onFirstAuth(final PayloadSet payloads, final PayloadWriter inner, final List<IkeAction> out)
    {
        if (payloads.idiBody() == null || payloads.proposals() == null || payloads.tsi() == null || payloads.tsr() == null)
        {
            fail(inner, out, "IKE_AUTH without IDi, SA, TSi or TSr");
            return;
        }
        firstAuth = payloads;
        final ResponderPolicy policy = context.policy;
        if (payloads.authData() != null)
        {
            final byte[] octets = AuthPayloads.signedOctets(suite.prf(), initRequest, nr, keys.skPi(),
                payloads.idiBody());
            if (policy.clientPsk() == null || payloads.authMethod() != Ike.AUTH_SHARED_KEY
                || !AuthPayloads.verifySharedKey(suite.prf(), policy.clientPsk(), octets, payloads.authData()))
            {
                fail(inner, out, "client AUTH did not verify");
                return;
            }
            username = payloads.idiText();
            if (!ourIdentityAndAuth(inner))
            {
                fail(inner, out, "could not sign");
                return;
            }
            establish(inner, out);
            return;
        }
        if (ciscoVid || CiscoClient.namesItself(payloads))
        {
            // AnyConnect's own method: our XML engine, its password checked by the authenticator (never relayed)
            anyConnect = new EapAnyConnectServer(context.random,
                groupAccess -> context.host.anyConnectTunnelGroup(this, groupAccess), context.host.configHash(),
                certificateSha1(policy.certificateChain()));
            eap = anyConnect;
        }
        else
        {
            eap = new EapServer(localCredentials(), context.random);
            relayed = context.host.relaysEap(this);
        }
        if (!ourIdentityAndAuth(inner))
        {
            fail(inner, out, "could not sign");
            return;
        }
        // a relayed conversation starts with our EAP-Identity too: its answer names the user to the server;
        // EAP-AnyConnect starts with its hello instead
        inner.eap(eap.start());
        state = State.EAP;
    }

    private void onEap(final PayloadSet payloads, final PayloadWriter inner, final List<IkeAction> out)
    {
        if (payloads.eap() == null)
        {
            fail(inner, out, "IKE_AUTH without EAP during EAP");
            return;
        }
        if (relayed)
        {
            awaitingHost = true;
            out.add(new IkeAction.RelayEap(this, payloads.eap()));
            return;
        }
        applyEap(eap.onResponse(payloads.eap()), inner, out);
    }

    /** The AAA server's answer to a relayed EAP response: the waiting IKE_AUTH response is built and sent. */
    void onEapResult(final EapResult result, final List<IkeAction> out)
    {
        if (!relayed || !awaitingHost || state != State.EAP)
        {
            return;
        }
        awaitingHost = false;
        final PayloadWriter inner = MessageProtection.inner();
        applyEap(result, inner, out);
        respond(Ike.IKE_AUTH, waitingRequestId, inner, out);
    }

    /** The hex SHA-1 of the certificate our AUTH is signed for, as AnyConnect pins it; empty with a PSK. */
    private static String certificateSha1(final List<byte[]> chain)
    {
        if (chain.isEmpty())
        {
            return "";
        }
        try
        {
            return java.util.HexFormat.of().withUpperCase().formatHex(
                java.security.MessageDigest.getInstance("SHA-1").digest(chain.get(0)));
        }
        catch (final java.security.NoSuchAlgorithmException ex)
        {
            throw new IllegalStateException("SHA-1 is missing from the JDK", ex);
        }
    }

    /** The local users and the failed-login limiter as this SA's peer meets them. */
    private LocalCredentials localCredentials()
    {
        return new LocalCredentials()
        {
            @Override
            public byte[] ntPasswordHash(final String username)
            {
                return context.host.ntPasswordHash(username);
            }

            @Override
            public boolean lockedOut(final String username)
            {
                return context.host.lockedOut(IkeSa.this, username);
            }

            @Override
            public void failed(final String username)
            {
                context.host.loginFailed(IkeSa.this, username);
            }

            @Override
            public void succeeded(final String username)
            {
                context.host.loginSucceeded(IkeSa.this, username);
            }
        };
    }


    /** The verdict on an EAP-GTC password: the waiting IKE_AUTH response is built and sent. */
    void onPasswordChecked(final boolean accepted, final List<IkeAction> out)
    {
        if (relayed || !awaitingHost || state != State.EAP)
        {
            return;
        }
        awaitingHost = false;
        final PayloadWriter inner = MessageProtection.inner();
        applyEap(eap.passwordChecked(accepted), inner, out);
        respond(Ike.IKE_AUTH, waitingRequestId, inner, out);
    }

    private void applyEap(final EapResult result, final PayloadWriter inner, final List<IkeAction> out)
    {
        switch (result)
        {
            case EapResult.Continue next -> inner.eap(next.request());
            case EapResult.CheckPassword check ->
            {
                awaitingHost = true;
                out.add(new IkeAction.CheckPassword(this, check.username(), check.password()));
            }
            case EapResult.Succeeded success ->
            {
                inner.eap(success.success());
                username = success.username();
                msk = success.msk();
                state = State.EAP_DONE;
            }
            case EapResult.Failed failure ->
            {
                // the EAP-Failure ends the method; the notify tells the client the IKE SA is refused (§2.21.2)
                inner.eap(failure.failure());
                inner.notify(Ike.AUTHENTICATION_FAILED, new byte[0]);
                close(out, "EAP failed for " + org.headend.control.LogText.escape(failure.username()) + ": "
                    + failure.reason());
            }
        }
    }

    private void onFinalAuth(final PayloadSet payloads, final PayloadWriter inner, final List<IkeAction> out)
    {
        final byte[] octets = AuthPayloads.signedOctets(suite.prf(), initRequest, nr, keys.skPi(),
            firstAuth.idiBody());
        final byte[] key = msk != null ? msk : keys.skPi();
        if (payloads.authData() == null || payloads.authMethod() != Ike.AUTH_SHARED_KEY
            || !AuthPayloads.verifySharedKey(suite.prf(), key, octets, payloads.authData()))
        {
            fail(inner, out, "client AUTH after EAP did not verify");
            return;
        }
        ourEapAuth(inner);
        establish(inner, out);
    }

    /** IDr, our CERT chain and our AUTH over RealMessage2 | Ni | prf(SK_pr, IDr'). */
    private boolean ourIdentityAndAuth(final PayloadWriter inner)
    {
        final ResponderPolicy policy = context.policy;
        final int idrStart = inner.position();
        inner.identity(Ike.IDR, policy.identityType(), policy.identity());
        idrBody = java.util.Arrays.copyOfRange(inner.array(), idrStart + Ike.PAYLOAD_HEADER_LENGTH,
            inner.position());
        final byte[] octets = AuthPayloads.signedOctets(suite.prf(), initResponse, ni, keys.skPr(), idrBody);
        if (policy.serverKey() == null)
        {
            inner.auth(Ike.AUTH_SHARED_KEY, AuthPayloads.sharedKeyAuth(suite.prf(), policy.serverPsk(), octets));
            return true;
        }
        for (final byte[] certificate : policy.certificateChain())
        {
            inner.cert(Ike.CERT, Ike.CERT_X509_SIGNATURE, certificate);
        }
        try
        {
            final AuthPayloads.Signed signed = AuthPayloads.sign(policy.serverKey(), octets);
            inner.auth(signed.method(), signed.data());
            return true;
        }
        catch (final GeneralSecurityException ex)
        {
            return false;
        }
    }

    /** After EAP: our AUTH keyed with the MSK (or SK_pr when the method made none, §2.16). */
    private void ourEapAuth(final PayloadWriter inner)
    {
        final byte[] octets = AuthPayloads.signedOctets(suite.prf(), initResponse, ni, keys.skPr(), idrBody);
        inner.auth(Ike.AUTH_SHARED_KEY, AuthPayloads.sharedKeyAuth(suite.prf(), msk != null ? msk : keys.skPr(),
            octets));
    }

    /** Admission, CP reply and the first CHILD_SA, appended after our AUTH. */
    private void establish(final PayloadWriter inner, final List<IkeAction> out)
    {
        config = context.host.admit(this, username);
        if (config == null)
        {
            fail(inner, out, "user " + org.headend.control.LogText.escape(username) + " not admitted");
            return;
        }
        final Proposals.EspChoice esp = Proposals.selectEsp(firstAuth.proposals(), context.policy.espKeyBits(), 0);
        final List<org.headend.control.ike.codec.TrafficSelector> tsr = TrafficSelection.responder(firstAuth.tsr(),
            config.networks());
        if (esp == null || tsr.isEmpty())
        {
            context.host.release(this);
            config = null;
            inner.notify(esp == null ? Ike.NO_PROPOSAL_CHOSEN : Ike.TS_UNACCEPTABLE, new byte[0]);
            close(out, esp == null ? "no acceptable ESP proposal" : "no acceptable traffic selectors");
            return;
        }
        if (firstAuth.cfgAttributes() != null && firstAuth.cfgType() == Ike.CFG_REQUEST)
        {
            inner.configuration(Ike.CFG_REPLY, configReply(config));
        }
        final ChildSa child = newChild(esp, null, ni, nr, TrafficSelection.initiator(config.address()), tsr);
        inner.securityAssociation(List.of(esp.answer(child.inboundSpi())));
        inner.trafficSelectors(Ike.TSI, child.tsi());
        inner.trafficSelectors(Ike.TSR, child.tsr());
        children.add(child);
        state = State.ESTABLISHED;
        out.add(new IkeAction.ChildUp(this, child));
    }

    private static List<CpPayload.Attribute> configReply(final ClientConfig config)
    {
        final List<CpPayload.Attribute> attributes = new ArrayList<>();
        attributes.add(new CpPayload.Attribute(Ike.INTERNAL_IP4_ADDRESS, config.address()));
        for (final byte[] dns : config.dnsServers())
        {
            if (dns.length == 4)
            {
                attributes.add(new CpPayload.Attribute(Ike.INTERNAL_IP4_DNS, dns));
            }
        }
        for (final byte[] subnet : config.splitSubnets())
        {
            attributes.add(new CpPayload.Attribute(Ike.INTERNAL_IP4_SUBNET, subnet));
        }
        if (config.defaultDomain() != null)
        {
            attributes.add(new CpPayload.Attribute(Ike.INTERNAL_DNS_DOMAIN,
                config.defaultDomain().getBytes(java.nio.charset.StandardCharsets.US_ASCII)));
        }
        return attributes;
    }

    private ChildSa newChild(final Proposals.EspChoice esp, final byte[] sharedSecret, final byte[] nonceI,
        final byte[] nonceR, final List<org.headend.control.ike.codec.TrafficSelector> tsi,
        final List<org.headend.control.ike.codec.TrafficSelector> tsr)
    {
        final int keyLength = esp.keyBits() / 8 + 4;
        final byte[] keymat = KeySchedule.childKeymat(suite.prf(), keys.skD(), sharedSecret, nonceI, nonceR,
            2 * keyLength);
        return new ChildSa(context.host.reserveSpi(), esp.outboundSpi(), esp.keyBits(), esp.esn(),
            java.util.Arrays.copyOfRange(keymat, 0, keyLength),
            java.util.Arrays.copyOfRange(keymat, keyLength, 2 * keyLength), tsi, tsr);
    }

    /** An authentication failure: AUTHENTICATION_FAILED in the response, and the SA goes (§2.21.2). */
    private void fail(final PayloadWriter inner, final List<IkeAction> out, final String reason)
    {
        inner.notify(Ike.AUTHENTICATION_FAILED, new byte[0]);
        close(out, reason);
    }

    // ---------------------------------------------------------------- INFORMATIONAL

    private void onInformational(final PayloadSet payloads, final PayloadWriter inner, final List<IkeAction> out)
    {
        if (payloads.deletesIkeSa())
        {
            close(out, "client deleted the IKE SA");
            return;
        }
        boolean currentDeleted = false;
        for (final int[] spis : payloads.deletedChildSpis())
        {
            final List<byte[]> ours = new ArrayList<>();
            for (final int spi : spis)
            {
                final ChildSa old = findByOutbound(retiring, spi);
                final ChildSa current = findByOutbound(children, spi);
                if (old != null)
                {
                    retiring.remove(old);
                    ours.add(spiBytes(old.inboundSpi()));
                    out.add(new IkeAction.ChildRetired(this, old.inboundSpi()));
                }
                else if (current != null)
                {
                    ours.add(spiBytes(current.inboundSpi()));
                    currentDeleted = true;
                }
            }
            if (!ours.isEmpty())
            {
                inner.delete(Ike.PROTOCOL_ESP, 4, ours.toArray(new byte[0][]));
            }
        }
        if (currentDeleted)
        {
            // a remote-access session is its one CHILD_SA: without it the tunnel is over
            close(out, "client deleted the tunnel's CHILD_SA");
        }
    }

    private static ChildSa findByOutbound(final List<ChildSa> list, final int spi)
    {
        for (final ChildSa child : list)
        {
            if (child.outboundSpi() == spi)
            {
                return child;
            }
        }
        return null;
    }

    private static byte[] spiBytes(final int spi)
    {
        return new byte[] {(byte)(spi >>> 24), (byte)(spi >>> 16), (byte)(spi >>> 8), (byte)spi};
    }

    // ---------------------------------------------------------------- CREATE_CHILD_SA

    private void onCreateChild(final PayloadSet payloads, final PayloadWriter inner, final List<IkeAction> out,
        final long nowNanos)
    {
        if (state != State.ESTABLISHED || payloads.proposals() == null || payloads.nonce() == null)
        {
            inner.notify(state != State.ESTABLISHED ? Ike.NO_ADDITIONAL_SAS : Ike.INVALID_SYNTAX, new byte[0]);
            return;
        }
        if (!payloads.proposals().isEmpty() && payloads.proposals().get(0).protocol() == Ike.PROTOCOL_IKE)
        {
            IkeRekey.answer(this, payloads, inner, out, nowNanos);
            return;
        }
        final Notification rekey = payloads.notification(Ike.REKEY_SA);
        final ChildSa old = rekey == null || rekey.spi().length != 4 ? null
            : findRekeyed(java.nio.ByteBuffer.wrap(rekey.spi()).getInt());
        if (old == null || payloads.tsi() == null || payloads.tsr() == null)
        {
            inner.notify(rekey == null ? Ike.NO_ADDITIONAL_SAS : Ike.CHILD_SA_NOT_FOUND, new byte[0]);
            return;
        }
        final DhGroup group = payloads.keData() == null ? null : DhGroup.of(payloads.keGroup());
        if (payloads.keData() != null && group == null)
        {
            invalidKe(inner);
            return;
        }
        final int required = context.policy.childPfsGroup();
        if (required != 0 && (group == null || group.number() != required))
        {
            // set pfs: the rekey carries a KE of our group; ask for it if an ESP proposal offers it (RFC 7296 §1.3)
            if (Proposals.selectEsp(payloads.proposals(), context.policy.espKeyBits(), required) != null)
            {
                invalidKe(inner, required);
            }
            else
            {
                inner.notify(Ike.NO_PROPOSAL_CHOSEN, new byte[0]);
            }
            return;
        }
        final Proposals.EspChoice esp = Proposals.selectEsp(payloads.proposals(), context.policy.espKeyBits(),
            group == null ? 0 : group.number());
        if (esp == null)
        {
            inner.notify(Ike.NO_PROPOSAL_CHOSEN, new byte[0]);
            return;
        }
        final byte[] nonceR = context.nonce();
        byte[] sharedSecret = null;
        KeyPair pair = null;
        if (group != null)
        {
            pair = group.generate();
            try
            {
                sharedSecret = group.agree(pair, payloads.keData());
            }
            catch (final GeneralSecurityException ex)
            {
                inner.notify(Ike.INVALID_SYNTAX, new byte[0]);
                return;
            }
        }
        final ChildSa replacement = newChild(esp, sharedSecret, payloads.nonce(), nonceR, old.tsi(), old.tsr());
        inner.securityAssociation(List.of(esp.answer(replacement.inboundSpi())));
        inner.nonce(nonceR);
        if (group != null)
        {
            inner.keyExchange(group.number(), group.publicValue(pair));
        }
        inner.trafficSelectors(Ike.TSI, replacement.tsi());
        inner.trafficSelectors(Ike.TSR, replacement.tsr());
        children.remove(old);
        retiring.add(old);
        children.add(replacement);
        out.add(new IkeAction.ChildRekeyed(this, old.inboundSpi(), replacement));
    }

    /** REKEY_SA names the SA by the SPI its sender receives on (ours outbound); accept either SPI. */
    private ChildSa findRekeyed(final int spi)
    {
        for (final ChildSa child : children)
        {
            if (child.outboundSpi() == spi || child.inboundSpi() == spi)
            {
                return child;
            }
        }
        return null;
    }

    void invalidKe(final PayloadWriter inner)
    {
        invalidKe(inner, suite.group().number());
    }

    private static void invalidKe(final PayloadWriter inner, final int group)
    {
        inner.notify(Ike.INVALID_KE_PAYLOAD, new byte[] {(byte)(group >>> 8), (byte)group});
    }

    // ---------------------------------------------------------------- our requests, timers, closing

    /** Timers: negotiation timeout, retransmission of our request, liveness check, lifetime. */
    void onTimer(final long nowNanos, final List<IkeAction> out)
    {
        if (state == State.CLOSED)
        {
            return;
        }
        if (state != State.ESTABLISHED || replacedBy != null)
        {
            // a rekeyed SA only waits for the client's DELETE; a half-open one for its IKE_AUTH
            if (nowNanos - (replacedBy != null ? lastHeardNanos : createdNanos) >= NEGOTIATION_TIMEOUT_NANOS)
            {
                close(out, "negotiation timed out");
            }
            return;
        }
        if (outstandingRequest != null)
        {
            if (nowNanos - nextRetransmitNanos >= 0)
            {
                if (retransmits == MAX_RETRANSMITS)
                {
                    close(out, "peer stopped answering (dead peer detection)");
                    return;
                }
                retransmits++;
                nextRetransmitNanos = nowNanos + (RETRANSMIT_NANOS << retransmits);
                out.add(new IkeAction.Send(peer, local, outstandingRequest));
            }
            return;
        }
        final long lifetime = context.policy.lifetimeSeconds(suite) * 1_000_000_000L;
        if (lifetime > 0 && nowNanos - createdNanos >= lifetime)
        {
            delete(nowNanos, out, "IKE SA lifetime expired");
            return;
        }
        final long dpd = context.policy.dpdSeconds() * 1_000_000_000L;
        if (dpd > 0 && nowNanos - lastHeardNanos >= dpd)
        {
            request(Ike.INFORMATIONAL, MessageProtection.inner(), nowNanos, out);
        }
    }

    /** Deletes the SA at the peer (logoff, lifetime) and here: DELETE(IKE) sent once, then it is gone. */
    void delete(final long nowNanos, final List<IkeAction> out, final String reason)
    {
        if (state == State.CLOSED)
        {
            return;
        }
        if (state == State.ESTABLISHED)
        {
            final PayloadWriter inner = MessageProtection.inner();
            inner.delete(Ike.PROTOCOL_IKE, 0);
            request(Ike.INFORMATIONAL, inner, nowNanos, out);
        }
        close(out, reason);
    }

    private void request(final int exchange, final PayloadWriter inner, final long nowNanos,
        final List<IkeAction> out)
    {
        final long id = nextOwnRequestId++;
        try
        {
            outstandingRequest = protection.seal(exchange, false, id, inner);
        }
        catch (final GeneralSecurityException ex)
        {
            throw new IllegalStateException("sealing our own request failed", ex);
        }
        outstandingId = id;
        retransmits = 0;
        nextRetransmitNanos = nowNanos + RETRANSMIT_NANOS;
        out.add(new IkeAction.Send(peer, local, outstandingRequest));
    }

    void close(final List<IkeAction> out, final String reason)
    {
        if (state == State.CLOSED)
        {
            return;
        }
        state = State.CLOSED;
        if (replacedBy == null)
        {
            out.add(new IkeAction.Closed(this, reason));
        }
    }

    // ---------------------------------------------------------------- for IkeRekey

    ResponderContext context()
    {
        return context;
    }

    IkeKeys keys()
    {
        return keys;
    }

    List<ChildSa> liveChildren()
    {
        return children;
    }

    /** The SA that took over this one's children in an IKE rekey, or null. */
    public IkeSa replacedBy()
    {
        return replacedBy;
    }

    /** Hands the children and the session to {@code replacement}; this SA waits for the client's DELETE. */
    void handOver(final IkeSa replacement)
    {
        replacement.username = username;
        replacement.config = config;
        replacement.anyConnect = anyConnect;
        replacement.children.addAll(children);
        replacement.retiring.addAll(retiring);
        replacement.state = State.ESTABLISHED;
        // a rekeyed SA counts its messages from 0: no IKE_SA_INIT took ID 0 (§2.18)
        replacement.expectedRequestId = 0;
        children.clear();
        retiring.clear();
        config = null;
        replacedBy = replacement;
    }

    @Override
    public String toString()
    {
        return String.format("IkeSa[%016x/%016x %s %s %s]", spiI, spiR, peer, state, username);
    }
}
