package org.headend.control.ike.sa;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.headend.control.auth.AuthMessage;
import org.headend.control.auth.AuthOutcome;
import org.headend.control.auth.AuthXml;
import org.headend.control.auth.FailedLoginLimiter;
import org.headend.control.auth.Logins;
import org.headend.control.config.ConfigStore;
import org.headend.control.config.HeadendConfig;
import org.headend.control.ike.IkePasswords;
import org.headend.control.ike.codec.CpPayload;
import org.headend.control.ike.codec.EapAnyConnect;
import org.headend.control.ike.codec.EapPacket;
import org.headend.control.ike.codec.Ike;
import org.headend.control.ike.codec.PayloadSet;
import org.headend.control.ike.codec.PayloadWriter;
import org.headend.control.ike.codec.Proposal;
import org.headend.control.ike.codec.TrafficSelector;
import org.headend.control.ike.codec.Transform;
import org.headend.control.ike.crypto.AuthPayloads;
import org.headend.control.ike.crypto.DhGroup;
import org.headend.control.ike.crypto.IkeSuite;
import org.headend.control.ike.crypto.PrfAlgorithm;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A Cisco AnyConnect client's whole IKE_AUTH, sans IO: EAP-AnyConnect (hello, init, login form, auth-reply, complete,
 * ack, EAP-Success without MSK, AUTH keyed with SK_pi/SK_pr), its password checked through the appliance's login path
 * ({@link IkePasswords} over a real {@link Logins} with the local users and the failed-login limiter). The documents
 * follow the reverse-engineered flow of ikev2-plan.md §1.2: <b>unverified against a real Cisco AnyConnect client</b>.
 */
class AnyConnectIkeAuthTest
{
    private static final IkeSuite SUITE = new IkeSuite(Ike.ENCR_AES_GCM_16, 256, 0, PrfAlgorithm.HMAC_SHA2_384,
        DhGroup.ECP_384);
    /** Our "certificate": the responder only sends and hashes it. */
    private static final byte[] CERTIFICATE = "a DER certificate, as far as the client can tell"
        .getBytes(StandardCharsets.US_ASCII);
    private static final byte[] POOL_ADDRESS = {(byte)192, (byte)168, 100, 10};
    private static final String CLIENT_ADDRESS = TestInitiator.CLIENT.getAddress().getHostAddress();

    private final ConfigStore store = ConfigStore.embeddedDefault("demo-secret");
    private final FailedLoginLimiter limiter = new FailedLoginLimiter();
    private final Logins logins = new Logins(store::current, limiter, System::nanoTime);
    private final IkePasswords passwords = new IkePasswords(logins, store::current);
    private final KeyPair serverKey = DhGroup.ECP_256.generate();
    private final Host host = new Host();
    private IkeResponder responder;

    /** The appliance side: tunnel-groups and passwords through {@link IkePasswords}, one pool address. */
    private final class Host implements IkeHost
    {
        final List<String> admitted = new ArrayList<>();
        int nextSpi = 0x2000;

        @Override
        public byte[] ntPasswordHash(final String username)
        {
            return null;
        }

        @Override
        public String anyConnectTunnelGroup(final IkeSa sa, final String groupAccess)
        {
            return passwords.tunnelGroup(groupAccess);
        }

        @Override
        public long configHash()
        {
            return 4242;
        }

        @Override
        public ClientConfig admit(final IkeSa sa, final String username)
        {
            admitted.add(username + "@" + sa.anyConnectTunnelGroup());
            return new ClientConfig(POOL_ADDRESS, List.of(), null, List.of(TrafficSelector.anyIpv4()), List.of());
        }

        @Override
        public void release(final IkeSa sa)
        {
        }

        @Override
        public int reserveSpi()
        {
            return nextSpi++;
        }

        @Override
        public void releaseSpi(final int spi)
        {
        }
    }

    @BeforeEach
    void configure() throws Exception
    {
        store.replace("""
            username alice password s3cret
            tunnel-group ENG type remote-access
            tunnel-group ENG webvpn-attributes
             group-url https://vpn.example.test/eng enable
            tunnel-group CERTS type remote-access
            tunnel-group CERTS webvpn-attributes
             authentication certificate
             group-url https://vpn.example.test/certs enable
            """, "test");
        responder = new IkeResponder(new ResponderPolicy(List.of(SUITE), List.of(256), Ike.ID_FQDN,
            "vpn.example.test".getBytes(StandardCharsets.US_ASCII), serverKey.getPrivate(), List.of(CERTIFICATE),
            null, null, 100, 100, 0, 30, false), host, new SecureRandom(), 1_000_000_000_000L);
    }

    // ------------------------------------------------------------------ the client's side

    private List<IkeAction> send(final byte[] message)
    {
        return responder.onDatagram(message, TestInitiator.CLIENT, TestInitiator.SERVER, 1_000_000_000_000L);
    }

    private static byte[] only(final List<IkeAction> actions)
    {
        final List<byte[]> sent = actions.stream().filter(a -> a instanceof IkeAction.Send)
            .map(a -> ((IkeAction.Send)a).message()).toList();
        assertEquals(1, sent.size(), "one datagram: " + actions);
        return sent.get(0);
    }

    private static <T extends IkeAction> T action(final List<IkeAction> actions, final Class<T> type)
    {
        return actions.stream().filter(type::isInstance).map(type::cast).findFirst().orElse(null);
    }

    private TestInitiator initiated(final boolean withVendorId) throws Exception
    {
        final TestInitiator client = new TestInitiator();
        if (withVendorId)
        {
            client.vendorIds.add("CISCO-DELETE-REASON".getBytes(StandardCharsets.US_ASCII));
            client.vendorIds.add(CiscoClient.ANYCONNECT_EAP_VID);
        }
        client.onInitResponse(only(send(client.init(SUITE, SUITE.group(), null, TestInitiator.CLIENT))));
        final List<byte[]> echoed = TestInitiator.plain(client.initResponse).vendorIds();
        assertEquals(withVendorId ? 1 : 0, echoed.size(), "only the EAP-AnyConnect vendor ID is echoed");
        if (withVendorId)
        {
            assertArrayEquals(CiscoClient.ANYCONNECT_EAP_VID, echoed.get(0));
        }
        return client;
    }

    private static PayloadWriter firstAuth(final int idType, final String id)
    {
        final PayloadWriter inner = TestInitiator.inner();
        inner.identity(Ike.IDI, idType, id.getBytes(StandardCharsets.UTF_8));
        inner.configuration(Ike.CFG_REQUEST, List.of(new CpPayload.Attribute(Ike.INTERNAL_IP4_ADDRESS, new byte[0])));
        inner.securityAssociation(List.of(new Proposal(1, Ike.PROTOCOL_ESP, new byte[] {0x0a, 0x0c, 0, 1},
            List.of(new Transform(Ike.TRANSFORM_ENCR, Ike.ENCR_AES_GCM_16, 256),
                new Transform(Ike.TRANSFORM_ESN, Ike.ESN_NONE)))));
        inner.trafficSelectors(Ike.TSI, List.of(TrafficSelector.anyIpv4()));
        inner.trafficSelectors(Ike.TSR, List.of(TrafficSelector.anyIpv4()));
        return inner;
    }

    /** One EAP-AnyConnect response of the client; returns the responder's actions. */
    private List<IkeAction> respond(final TestInitiator client, final int identifier, final String document)
        throws Exception
    {
        return send(client.request(Ike.IKE_AUTH, TestInitiator.inner().eap(EapAnyConnect.xml(Ike.EAP_RESPONSE,
            identifier, document.getBytes(StandardCharsets.UTF_8)))));
    }

    private static EapAnyConnect.Message request(final PayloadSet answer) throws Exception
    {
        assertNotNull(answer.eap(), "an EAP payload");
        final EapAnyConnect.Message message = EapAnyConnect.parse(answer.eap());
        assertEquals(Ike.EAP_REQUEST, message.code());
        return message;
    }

    private static String xml(final EapAnyConnect.Message message)
    {
        return new String(message.value(EapAnyConnect.TLV_XML), StandardCharsets.UTF_8);
    }

    private static String init(final String groupAccess, final int macAddresses)
    {
        final StringBuilder macs = new StringBuilder();
        for (int i = 0; i < macAddresses; i++)
        {
            macs.append(String.format("<mac-address>00-50-56-%02X-%02X-%02X</mac-address>", i >> 16 & 0xff,
                i >> 8 & 0xff, i & 0xff));
        }
        return "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
            + "<config-auth client=\"vpn\" type=\"init\" aggregate-auth-version=\"2\">"
            + "<version who=\"vpn\">4.10.07061</version>"
            + "<device-id computer-name=\"laptop\" device-type=\"VMware\" platform-version=\"6.1\" unique-id=\"AB12\">"
            + "linux-64</device-id><mac-address-list>" + macs + "</mac-address-list>"
            + "<group-access>" + groupAccess + "</group-access>"
            + "<capabilities><auth-method>single-sign-on-v2</auth-method></capabilities></config-auth>";
    }

    private static String authReply(final String tunnelGroup, final String handle, final String user,
        final String password)
    {
        return "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
            + "<config-auth client=\"vpn\" type=\"auth-reply\" aggregate-auth-version=\"2\">"
            + "<version who=\"vpn\">4.10.07061</version><device-id>linux-64</device-id>"
            + "<session-token></session-token><session-id></session-id>"
            + "<opaque is-for=\"sg\"><tunnel-group>" + tunnelGroup + "</tunnel-group><aggauth-handle>" + handle
            + "</aggauth-handle><config-hash>4242</config-hash></opaque>"
            + "<auth><username>" + AuthXml.escape(user) + "</username><password>" + AuthXml.escape(password)
            + "</password></auth><host-scan-token></host-scan-token></config-auth>";
    }

    private static final String ACK = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
        + "<config-auth client=\"vpn\" type=\"ack\" aggregate-auth-version=\"2\"></config-auth>";

    /** The client's AUTH after EAP-AnyConnect: no MSK, so keyed with SK_pi (RFC 7296 §2.16). */
    private static PayloadWriter clientAuth(final TestInitiator client, final int idType, final String id)
    {
        final PayloadWriter idi = TestInitiator.inner().identity(Ike.IDI, idType, id.getBytes(StandardCharsets.UTF_8));
        final byte[] octets = AuthPayloads.signedOctets(client.suite.prf(), client.initRequest, client.nr,
            client.keys.skPi(), Arrays.copyOfRange(idi.array(), 4, idi.position()));
        return TestInitiator.inner().auth(Ike.AUTH_SHARED_KEY, AuthPayloads.sharedKeyAuth(client.suite.prf(),
            client.keys.skPi(), octets));
    }

    /** What one login came to: the last response's payloads and actions, and the login form's text. */
    private record Login(PayloadSet answer, List<IkeAction> actions, String form)
    {
    }

    /**
     * The whole IKE_AUTH of an AnyConnect client up to the verdict on its password and, when accepted, through to the
     * CHILD_SA. The password goes through {@link IkePasswords} exactly as the appliance sends it.
     */
    private Login login(final TestInitiator client, final int idType, final String id, final String groupAccess,
        final String tunnelGroup, final String user, final String password) throws Exception
    {
        final PayloadSet first = client.open(only(send(client.request(Ike.IKE_AUTH, firstAuth(idType, id)))));
        assertArrayEquals(CERTIFICATE, first.certificates().get(0), "our certificate chain");
        assertEquals(Ike.AUTH_DIGITAL_SIGNATURE, first.authMethod(), "signed by the trustpoint key");
        final EapAnyConnect.Message hello = request(first);
        assertEquals("hello", AuthXml.parse(hello.value(EapAnyConnect.TLV_XML)).type(), "no EAP-Identity round");

        final String initDocument = init(groupAccess, 200);
        assertTrue(initDocument.length() > 4096, "an init larger than the standard methods' 4 KiB");
        final List<IkeAction> formActions = respond(client, hello.identifier(), initDocument);
        final PayloadSet formAnswer = client.open(only(formActions));
        if (formAnswer.notification(Ike.AUTHENTICATION_FAILED) != null)
        {
            return new Login(formAnswer, formActions, null);
        }
        final EapAnyConnect.Message form = request(formAnswer);
        final AuthMessage formMessage = AuthXml.parse(form.value(EapAnyConnect.TLV_XML));
        assertEquals("auth-request", formMessage.type());

        final List<IkeAction> checking = respond(client, form.identifier(),
            authReply(tunnelGroup, formMessage.handle(), user, password));
        final IkeAction.CheckPassword check = action(checking, IkeAction.CheckPassword.class);
        assertNotNull(check, "the password goes to the authenticator: " + checking);
        assertEquals(user, check.username());
        assertTrue(checking.stream().noneMatch(a -> a instanceof IkeAction.Send), "the answer waits for the verdict");
        final AuthOutcome outcome = passwords.check(check.sa(), check.username(), check.password())
            .toCompletableFuture().get(30, TimeUnit.SECONDS);
        final List<IkeAction> verdict = responder.onPasswordChecked(client.spiR,
            outcome instanceof AuthOutcome.Accepted);
        final PayloadSet verdictAnswer = client.open(only(verdict));
        if (!(outcome instanceof AuthOutcome.Accepted))
        {
            return new Login(verdictAnswer, verdict, xml(form));
        }
        final EapAnyConnect.Message complete = request(verdictAnswer);
        final String completeText = xml(complete);
        assertEquals("complete", AuthXml.parse(complete.value(EapAnyConnect.TLV_XML)).type());
        assertTrue(completeText.contains("<server-cert-hash>" + HexFormat.of().withUpperCase().formatHex(
            MessageDigest.getInstance("SHA-1").digest(CERTIFICATE)) + "</server-cert-hash>"),
            "complete pins the certificate our AUTH was signed for: " + completeText);

        final PayloadSet success = client.open(only(respond(client, complete.identifier(), ACK)));
        assertEquals(Ike.EAP_SUCCESS, new EapPacket().wrap(java.nio.ByteBuffer.wrap(success.eap()), 0,
            success.eap().length).code());
        final List<IkeAction> done = send(client.request(Ike.IKE_AUTH, clientAuth(client, idType, id)));
        return new Login(client.open(only(done)), done, xml(form));
    }

    private static void assertRefused(final Login login)
    {
        assertEquals(Ike.EAP_FAILURE, login.answer().eap()[0], "EAP-Failure");
        assertNotNull(login.answer().notification(Ike.AUTHENTICATION_FAILED));
        assertNotNull(action(login.actions(), IkeAction.Closed.class), "the SA goes");
    }

    // ------------------------------------------------------------------ the tests

    @Test
    void shouldLogAnAnnouncedAnyConnectClientInWithEapAnyConnectIntoTheGroupOfItsGroupAccess() throws Exception
    {
        final TestInitiator client = initiated(true);
        final Login login = login(client, Ike.ID_KEY_ID, CiscoClient.CLIENT_KEY_ID, "https://vpn.example.test/eng",
            "ENG", "alice", "s3cret");
        assertTrue(login.form().contains("<tunnel-group>ENG</tunnel-group>"), login.form());
        assertTrue(login.form().contains("<config-hash>4242</config-hash>"), login.form());

        final PayloadWriter idr = TestInitiator.inner().identity(Ike.IDR, Ike.ID_FQDN,
            "vpn.example.test".getBytes(StandardCharsets.US_ASCII));
        assertTrue(AuthPayloads.verifySharedKey(client.suite.prf(), client.keys.skPr(), AuthPayloads.signedOctets(
            client.suite.prf(), client.initResponse, client.ni, client.keys.skPr(), Arrays.copyOfRange(idr.array(), 4,
            idr.position())), login.answer().authData()), "no MSK: our last AUTH is keyed with SK_pr");
        assertArrayEquals(POOL_ADDRESS, login.answer().cfgAttributes().get(0).value());
        final IkeAction.ChildUp up = action(login.actions(), IkeAction.ChildUp.class);
        assertNotNull(up, "the tunnel comes up");
        assertEquals("alice", up.sa().username());
        assertEquals(List.of("alice@ENG"), host.admitted, "admitted into the group its group-access chose");
    }

    @Test
    void shouldKnowAnAnyConnectClientByItsKeyIdAloneAndLandItInTheSslDefaultGroup() throws Exception
    {
        final TestInitiator client = initiated(false);
        final Login login = login(client, Ike.ID_KEY_ID, CiscoClient.CLIENT_KEY_ID, "https://vpn.example.test/",
            HeadendConfig.DEFAULT_TUNNEL_GROUP, "alice", "s3cret");
        assertNotNull(action(login.actions(), IkeAction.ChildUp.class));
        assertEquals(List.of("alice@" + HeadendConfig.DEFAULT_TUNNEL_GROUP), host.admitted,
            "no group-url in group-access: the SSL login's default group");
    }

    @Test
    void shouldCountWrongPasswordsAsFailedLoginsAndRefuseTheLockedOutUserItsRightPassword() throws Exception
    {
        for (int i = 1; i <= FailedLoginLimiter.MAX_USER_FAILURES; i++)
        {
            assertFalse(limiter.isLocked("alice", CLIENT_ADDRESS, System.nanoTime()), "not locked before " + i);
            assertRefused(login(initiated(true), Ike.ID_KEY_ID, CiscoClient.CLIENT_KEY_ID,
                "https://vpn.example.test/eng", "ENG", "alice", "guess-" + i));
        }
        assertTrue(limiter.isLocked("alice", CLIENT_ADDRESS, System.nanoTime()),
            "every wrong EAP-AnyConnect password was counted by the failed-login limiter");

        final TestInitiator client = initiated(true);
        assertRefused(login(client, Ike.ID_KEY_ID, CiscoClient.CLIENT_KEY_ID, "https://vpn.example.test/eng",
            "ENG", "alice", "s3cret"));
        assertNull(responder.sa(client.spiR));
        assertTrue(host.admitted.isEmpty(), "a locked-out user is refused even with the right password");
    }

    @Test
    void shouldRefuseAGroupWhoseUsersNeedACertificateBeforeAnyPasswordIsAsked() throws Exception
    {
        final Login login = login(initiated(true), Ike.ID_KEY_ID, CiscoClient.CLIENT_KEY_ID,
            "https://vpn.example.test/certs", "CERTS", "alice", "s3cret");
        assertNull(login.form(), "no login form");
        assertRefused(login);
        assertTrue(host.admitted.isEmpty());
    }

    @Test
    void shouldKeepTheStandardEapIdentityRoundForAStandardsBasedClient() throws Exception
    {
        final TestInitiator client = initiated(false);
        final PayloadSet first = client.open(only(send(client.request(Ike.IKE_AUTH,
            firstAuth(Ike.ID_RFC822_ADDR, "alice@example.test")))));
        assertFalse(EapAnyConnect.isAnyConnect(first.eap()));
        assertEquals(Ike.EAP_TYPE_IDENTITY, first.eap()[4], "strongSwan still gets EAP-Identity");
    }
}
