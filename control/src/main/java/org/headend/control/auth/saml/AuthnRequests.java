package org.headend.control.auth.saml;

import static org.headend.control.auth.AuthXml.escape;

import java.io.ByteArrayOutputStream;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Base64;
import java.util.HexFormat;
import java.util.zip.Deflater;

/**
 * Our AuthnRequests, sent with the HTTP-Redirect binding (SAML bindings §3.4): the XML raw-DEFLATEd, base64'd and
 * URL-encoded into {@code SAMLRequest} on the IdP's sign-in URL, with {@code RelayState} beside it. The request
 * asks for the answer by HTTP-POST at our assertion consumer service.
 */
public final class AuthnRequests
{
    private static final SecureRandom RANDOM = new SecureRandom();

    private AuthnRequests()
    {
    }

    /** One request: its ID (the answer's InResponseTo) and the URL that sends the browser to the IdP with it. */
    public record Redirect(String requestId, String url)
    {
    }

    /**
     * @param signInUrl  the IdP's {@code url sign-in}
     * @param spEntityId our entity ID, the Issuer
     * @param acsUrl     where the IdP posts the Response
     * @param relayState the opaque value the IdP hands back with it
     */
    public static Redirect redirect(final String signInUrl, final String spEntityId, final String acsUrl,
        final String relayState, final Instant now)
    {
        final String id = newId();
        final String xml = "<samlp:AuthnRequest xmlns:samlp=\"" + SamlResponseValidator.PROTOCOL + "\""
            + " xmlns:saml=\"" + SamlResponseValidator.ASSERTION + "\""
            + " ID=\"" + id + "\" Version=\"2.0\""
            + " IssueInstant=\"" + now.truncatedTo(ChronoUnit.SECONDS) + "\""
            + " Destination=\"" + escape(signInUrl) + "\""
            + " AssertionConsumerServiceURL=\"" + escape(acsUrl) + "\""
            + " ProtocolBinding=\"urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST\">"
            + "<saml:Issuer>" + escape(spEntityId) + "</saml:Issuer>"
            + "<samlp:NameIDPolicy AllowCreate=\"true\"/>"
            + "</samlp:AuthnRequest>";
        final String query = "SAMLRequest=" + encode(Base64.getEncoder().encodeToString(deflate(xml)))
            + "&RelayState=" + encode(relayState);
        return new Redirect(id, signInUrl + (signInUrl.indexOf('?') < 0 ? "?" : "&") + query);
    }

    /** A fresh SAML ID: 128 random bits, starting with a letter as xs:ID wants. */
    public static String newId()
    {
        final byte[] bytes = new byte[16];
        RANDOM.nextBytes(bytes);
        return "_" + HexFormat.of().formatHex(bytes);
    }

    private static byte[] deflate(final String xml)
    {
        final Deflater deflater = new Deflater(Deflater.DEFAULT_COMPRESSION, true);
        try
        {
            deflater.setInput(xml.getBytes(StandardCharsets.UTF_8));
            deflater.finish();
            final ByteArrayOutputStream out = new ByteArrayOutputStream(512);
            final byte[] chunk = new byte[1024];
            while (!deflater.finished())
            {
                out.write(chunk, 0, deflater.deflate(chunk));
            }
            return out.toByteArray();
        }
        finally
        {
            deflater.end();
        }
    }

    private static String encode(final String value)
    {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }
}
