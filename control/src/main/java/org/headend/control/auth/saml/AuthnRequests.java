package org.headend.control.auth.saml;

import static org.headend.control.auth.AuthXml.escape;

import java.io.ByteArrayOutputStream;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Base64;
import java.util.HexFormat;
import java.util.zip.Deflater;

/**
 * Our AuthnRequests, sent with the HTTP-Redirect binding (SAML bindings §3.4): the XML raw-DEFLATEd, base64'd and
 * URL-encoded into {@code SAMLRequest} on the IdP's sign-in URL, with {@code RelayState} beside it, and signed with
 * {@code SigAlg} and {@code Signature} when a {@code trustpoint sp} is configured. The request asks for the answer
 * by HTTP-POST at our assertion consumer service.
 */
public final class AuthnRequests
{
    private static final SecureRandom RANDOM = new SecureRandom();
    static final String SIG_RSA_SHA256 = "http://www.w3.org/2001/04/xmldsig-more#rsa-sha256";
    static final String SIG_ECDSA_SHA256 = "http://www.w3.org/2001/04/xmldsig-more#ecdsa-sha256";

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
        return redirect(signInUrl, spEntityId, acsUrl, relayState, now, null);
    }

    /**
     * As above, signed with {@code signer} ({@code trustpoint sp}) when it is not null: HTTP-Redirect binding
     * §3.4.4.1, the signature over the query string {@code SAMLRequest=…&RelayState=…&SigAlg=…} exactly as sent,
     * added as {@code Signature}.
     */
    public static Redirect redirect(final String signInUrl, final String spEntityId, final String acsUrl,
        final String relayState, final Instant now, final PrivateKey signer)
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
        return new Redirect(id, signInUrl + (signInUrl.indexOf('?') < 0 ? "?" : "&") + signed(query, signer));
    }

    /**
     * {@code query} (the message's own parameters, already URL-encoded) with {@code SigAlg} and {@code Signature}
     * appended (HTTP-Redirect binding §3.4.4.1); unchanged when {@code signer} is null. RSA keys sign with
     * RSA-SHA256, EC keys with ECDSA-SHA256 (r || s, as XML signatures write it).
     */
    static String signed(final String query, final PrivateKey signer)
    {
        if (signer == null)
        {
            return query;
        }
        final boolean ec = "EC".equals(signer.getAlgorithm());
        final String signedPart = query + "&SigAlg=" + encode(ec ? SIG_ECDSA_SHA256 : SIG_RSA_SHA256);
        try
        {
            final Signature signature = Signature.getInstance(ec ? "SHA256withECDSAinP1363Format" : "SHA256withRSA");
            signature.initSign(signer);
            signature.update(signedPart.getBytes(StandardCharsets.US_ASCII));
            return signedPart + "&Signature=" + encode(Base64.getEncoder().encodeToString(signature.sign()));
        }
        catch (final GeneralSecurityException ex)
        {
            throw new IllegalStateException("the trustpoint sp key cannot sign: " + ex.getMessage(), ex);
        }
    }

    /** A fresh SAML ID: 128 random bits, starting with a letter as xs:ID wants. */
    public static String newId()
    {
        final byte[] bytes = new byte[16];
        RANDOM.nextBytes(bytes);
        return "_" + HexFormat.of().formatHex(bytes);
    }

    static byte[] deflate(final String xml)
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

    static String encode(final String value)
    {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }
}
