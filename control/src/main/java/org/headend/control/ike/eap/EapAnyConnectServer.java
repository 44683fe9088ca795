package org.headend.control.ike.eap;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.function.UnaryOperator;
import org.headend.control.auth.AuthDocuments;
import org.headend.control.auth.AuthMessage;
import org.headend.control.auth.AuthXml;
import org.headend.control.auth.AuthXmlException;
import org.headend.control.ike.codec.EapAnyConnect;
import org.headend.control.ike.codec.EapPacket;
import org.headend.control.ike.codec.Ike;
import org.headend.control.ike.codec.IkeParseException;

/**
 * The server side of Cisco's EAP-AnyConnect with a username and password, sans IO: the aggregate-auth documents of
 * the TLS path ({@link AuthDocuments}, read by {@link AuthXml}) carried in {@link EapAnyConnect} packets.
 * {@code hello} → the client's {@code init} (its {@code group-access} picks the tunnel-group) → an
 * {@code auth-request} login form → the {@code auth-reply}, whose password goes to the authenticator as
 * {@link EapResult.CheckPassword} (so lockout and counting are the login path's) → {@code complete} → the client's
 * {@code ack} → EAP-Success without an MSK (AUTH is then keyed with SK_pi/SK_pr). Anything malformed or out of step
 * ends in EAP-Failure with a reason.
 *
 * <p><b>Unverified against a real Cisco AnyConnect client.</b> The flow is built from the strongSwan fork's reverse
 * engineering (docs ikev2-plan.md §1.2), which covers only certificates; that {@code auth-request} carries the TLS
 * path's username/password form is inferred. The certificate variant (signature and PKCS#7 TLVs) is refused.
 *
 * <p>Not thread-safe: one per IKE SA, on the control thread.
 */
public final class EapAnyConnectServer implements EapMethod
{
    private static final int MAX_PASSWORD = 128;
    private static final int HANDLE_BYTES = 16;
    private static final int TOKEN_BYTES = 32;

    private enum Step
    {
        HELLO_SENT, FORM_SENT, CHECKING, COMPLETE_SENT, DONE
    }

    private final SecureRandom random;
    private final UnaryOperator<String> tunnelGroups;
    private final long configHash;
    private final String serverCertSha1;
    private final String handle;
    private Step step = Step.HELLO_SENT;
    private int identifier;
    private String tunnelGroup;
    private String username;
    private String sessionToken;

    /**
     * @param tunnelGroups   the tunnel-group for the client's {@code group-access} URL (null when it sent none)
     * @param configHash     a number that changes with the configuration, as in the TLS path's form
     * @param serverCertSha1 the hex SHA-1 of the certificate the IKE SA authenticates with, for {@code complete}
     */
    public EapAnyConnectServer(final SecureRandom random, final UnaryOperator<String> tunnelGroups,
        final long configHash, final String serverCertSha1)
    {
        this.random = random;
        this.tunnelGroups = tunnelGroups;
        this.configHash = configHash;
        this.serverCertSha1 = serverCertSha1;
        handle = hex(HANDLE_BYTES);
        identifier = random.nextInt(256);
    }

    /** The first request: {@code hello}; there is no EAP-Identity round. */
    @Override
    public byte[] start()
    {
        return request(AuthDocuments.hello());
    }

    /** The user name from the {@code auth-reply}, or null before it. */
    public String username()
    {
        return username;
    }

    /** The tunnel-group the client's {@code init} chose, or null before it. */
    public String tunnelGroup()
    {
        return tunnelGroup;
    }

    /** The session token sent in {@code complete}, or null before it. */
    public String sessionToken()
    {
        return sessionToken;
    }

    @Override
    public EapResult onResponse(final byte[] eap)
    {
        if (step == Step.DONE)
        {
            return fail("EAP already finished");
        }
        final EapAnyConnect.Message packet;
        try
        {
            packet = EapAnyConnect.parse(eap);
        }
        catch (final IkeParseException ex)
        {
            return fail("malformed EAP-AnyConnect: " + ex.getMessage());
        }
        if (packet.code() != Ike.EAP_RESPONSE || packet.identifier() != identifier)
        {
            return fail("EAP response out of step");
        }
        if (packet.value(EapAnyConnect.TLV_SIGNATURE) != null || packet.value(EapAnyConnect.TLV_PKCS7) != null)
        {
            return fail("certificate authentication inside EAP-AnyConnect is not supported");
        }
        final byte[] xml = packet.value(EapAnyConnect.TLV_XML);
        if (xml == null)
        {
            return fail("EAP-AnyConnect response without an XML document");
        }
        final AuthMessage message;
        try
        {
            message = AuthXml.parse(xml);
        }
        catch (final AuthXmlException ex)
        {
            return fail("bad aggregate-auth XML: " + ex.getMessage());
        }
        return switch (step)
        {
            case HELLO_SENT -> onInit(message);
            case FORM_SENT -> onAuthReply(message);
            case COMPLETE_SENT -> onAck(message);
            case CHECKING -> fail("EAP response while the password is checked");
            case DONE -> fail("EAP already finished");
        };
    }

    /** The authenticator's verdict on the password of the {@link EapResult.CheckPassword}. */
    @Override
    public EapResult passwordChecked(final boolean accepted)
    {
        if (step != Step.CHECKING)
        {
            return fail("no password was being checked");
        }
        if (!accepted)
        {
            return fail("wrong password or unknown user");
        }
        sessionToken = hex(TOKEN_BYTES);
        step = Step.COMPLETE_SENT;
        identifier = (identifier + 1) & 0xff;
        return new EapResult.Continue(request(AuthDocuments.complete(random.nextInt() & 0x7fffffff, sessionToken,
            serverCertSha1, null)));
    }

    private EapResult onInit(final AuthMessage message)
    {
        if (!"init".equals(message.type()))
        {
            return fail("expected config-auth init, got " + message.type());
        }
        tunnelGroup = tunnelGroups.apply(message.groupAccess());
        if (tunnelGroup == null)
        {
            return fail("no tunnel-group for the client's group-access");
        }
        step = Step.FORM_SENT;
        identifier = (identifier + 1) & 0xff;
        return new EapResult.Continue(request(AuthDocuments.loginForm(tunnelGroup, handle, configHash, null, null)));
    }

    private EapResult onAuthReply(final AuthMessage message)
    {
        if (!"auth-reply".equals(message.type()))
        {
            return fail("expected config-auth auth-reply, got " + message.type());
        }
        if (message.handle() == null || !MessageDigest.isEqual(handle.getBytes(StandardCharsets.US_ASCII),
            message.handle().getBytes(StandardCharsets.UTF_8)))
        {
            return fail("auth-reply does not echo the form's aggauth-handle");
        }
        final String user = message.field("username");
        final String password = message.field("password");
        if (user == null || user.length() > EapServer.MAX_USERNAME || password == null
            || password.length() > MAX_PASSWORD)
        {
            return fail("auth-reply without a username and password within limits");
        }
        username = user;
        step = Step.CHECKING;
        return new EapResult.CheckPassword(user, password);
    }

    private EapResult onAck(final AuthMessage message)
    {
        if (!"ack".equals(message.type()))
        {
            return fail("expected config-auth ack, got " + message.type());
        }
        step = Step.DONE;
        // RFC 3748 §4.2: Success carries the identifier of the response it answers
        return new EapResult.Succeeded(EapPacket.result(Ike.EAP_SUCCESS, identifier), username, null);
    }

    private byte[] request(final String document)
    {
        return EapAnyConnect.xml(Ike.EAP_REQUEST, identifier, document.getBytes(StandardCharsets.UTF_8));
    }

    private EapResult fail(final String reason)
    {
        step = Step.DONE;
        return new EapResult.Failed(EapPacket.result(Ike.EAP_FAILURE, identifier), username, reason);
    }

    private String hex(final int bytes)
    {
        final byte[] value = new byte[bytes];
        random.nextBytes(value);
        return HexFormat.of().withUpperCase().formatHex(value);
    }
}
