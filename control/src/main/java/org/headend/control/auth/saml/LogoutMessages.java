package org.headend.control.auth.saml;

import static org.headend.control.auth.AuthXml.escape;
import static org.headend.control.auth.saml.SamlDom.child;
import static org.headend.control.auth.saml.SamlDom.text;

import java.io.ByteArrayOutputStream;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.PublicKey;
import java.security.Signature;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.DataFormatException;
import java.util.zip.Inflater;
import org.w3c.dom.Document;
import org.w3c.dom.Element;

/**
 * Single logout messages (SAML core §3.7) over the HTTP-Redirect binding: our LogoutRequest (the portal's logout
 * tells the IdP) and LogoutResponse (the answer to the IdP's own LogoutRequest), signed like our AuthnRequests
 * ({@link AuthnRequests#signed}); and the IdP's messages to our logout endpoint, read only when their
 * {@code Signature} over the query as sent verifies with the IdP's certificate (a logout must not be forgeable by
 * a link on any web page), inflated within {@link SamlXml#MAX_BYTES} and parsed as strictly as a Response.
 */
final class LogoutMessages
{
    static final String SUCCESS = SamlResponseValidator.SUCCESS;
    private static final Map<String, String> SIGNATURES = Map.of(
        AuthnRequests.SIG_RSA_SHA256, "SHA256withRSA",
        "http://www.w3.org/2001/04/xmldsig-more#rsa-sha384", "SHA384withRSA",
        "http://www.w3.org/2001/04/xmldsig-more#rsa-sha512", "SHA512withRSA",
        AuthnRequests.SIG_ECDSA_SHA256, "SHA256withECDSAinP1363Format");
    private static final int MAX_QUERY = SamlServiceProvider.MAX_ENCODED * 2;

    private LogoutMessages()
    {
    }

    /** A logout message the IdP sent: a request to end {@code nameId}'s sessions, or the answer to ours. */
    record Incoming(boolean request, String id, String nameId, String inResponseTo, boolean success,
        String relayState)
    {
    }

    /** The redirect that carries our LogoutRequest for {@code nameId} to the IdP's {@code url sign-out}. */
    static String request(final String signOutUrl, final String issuer, final String nameId, final String id,
        final Instant now, final java.security.PrivateKey signer)
    {
        final String xml = "<samlp:LogoutRequest xmlns:samlp=\"" + SamlResponseValidator.PROTOCOL + "\""
            + " xmlns:saml=\"" + SamlResponseValidator.ASSERTION + "\" ID=\"" + id + "\" Version=\"2.0\""
            + " IssueInstant=\"" + now.truncatedTo(ChronoUnit.SECONDS) + "\" Destination=\"" + escape(signOutUrl)
            + "\"><saml:Issuer>" + escape(issuer) + "</saml:Issuer><saml:NameID>" + escape(nameId)
            + "</saml:NameID></samlp:LogoutRequest>";
        return redirect(signOutUrl, "SAMLRequest", xml, null, signer);
    }

    /** The redirect that answers the IdP's LogoutRequest {@code inResponseTo}: done. */
    static String response(final String signOutUrl, final String issuer, final String inResponseTo,
        final String relayState, final Instant now, final java.security.PrivateKey signer)
    {
        final String xml = "<samlp:LogoutResponse xmlns:samlp=\"" + SamlResponseValidator.PROTOCOL + "\""
            + " xmlns:saml=\"" + SamlResponseValidator.ASSERTION + "\" ID=\"" + AuthnRequests.newId()
            + "\" Version=\"2.0\" IssueInstant=\"" + now.truncatedTo(ChronoUnit.SECONDS) + "\" Destination=\""
            + escape(signOutUrl) + "\" InResponseTo=\"" + escape(inResponseTo) + "\"><saml:Issuer>" + escape(issuer)
            + "</saml:Issuer><samlp:Status><samlp:StatusCode Value=\"" + SUCCESS + "\"/></samlp:Status>"
            + "</samlp:LogoutResponse>";
        return redirect(signOutUrl, "SAMLResponse", xml, relayState, signer);
    }

    private static String redirect(final String url, final String parameter, final String xml,
        final String relayState, final java.security.PrivateKey signer)
    {
        final String query = parameter + "=" + AuthnRequests.encode(Base64.getEncoder().encodeToString(
            AuthnRequests.deflate(xml)))
            + (relayState == null ? "" : "&RelayState=" + AuthnRequests.encode(relayState));
        return url + (url.indexOf('?') < 0 ? "?" : "&") + AuthnRequests.signed(query, signer);
    }

    /**
     * Reads a message the IdP sent to our logout endpoint.
     *
     * @param rawQuery     the query string as received (still URL-encoded: the signature covers it so)
     * @param certificates the IdP's signing certificates
     * @param idpEntityId  the Issuer it must name
     * @param destination  our logout endpoint, which a Destination it carries must name
     * @throws SamlException naming why it is refused
     */
    static Incoming read(final String rawQuery, final List<X509Certificate> certificates, final String idpEntityId,
        final String destination, final Instant now, final Duration skew) throws SamlException
    {
        if (rawQuery == null || rawQuery.length() > MAX_QUERY)
        {
            throw new SamlException("no logout message, or one longer than " + MAX_QUERY + " characters");
        }
        final Map<String, String> raw = new HashMap<>();
        for (final String pair : rawQuery.split("&"))
        {
            final int eq = pair.indexOf('=');
            if (eq > 0 && raw.putIfAbsent(pair.substring(0, eq), pair.substring(eq + 1)) != null)
            {
                throw new SamlException("parameter " + pair.substring(0, eq) + " appears twice");
            }
        }
        final boolean request = raw.containsKey("SAMLRequest");
        final String parameter = request ? "SAMLRequest" : "SAMLResponse";
        if (request == raw.containsKey("SAMLResponse"))
        {
            throw new SamlException("the query carries neither or both of SAMLRequest and SAMLResponse");
        }
        checkSignature(raw, parameter, certificates, now);
        final Document document = SamlXml.parse(inflate(decode(raw.get(parameter))));
        final Element root = document.getDocumentElement();
        final String kind = request ? "LogoutRequest" : "LogoutResponse";
        if (!SamlResponseValidator.PROTOCOL.equals(root.getNamespaceURI()) || !kind.equals(root.getLocalName()))
        {
            throw new SamlException("the " + parameter + " is not a " + kind);
        }
        if (!"2.0".equals(root.getAttribute("Version")) || root.getAttribute("ID").isEmpty())
        {
            throw new SamlException("the " + kind + " is not SAML 2.0 or has no ID");
        }
        if (!idpEntityId.equals(text(child(root, SamlResponseValidator.ASSERTION, "Issuer"))))
        {
            throw new SamlException("the " + kind + " is not issued by the configured IdP");
        }
        if (root.hasAttribute("Destination") && !destination.equals(root.getAttribute("Destination")))
        {
            throw new SamlException("the " + kind + " is meant for " + root.getAttribute("Destination"));
        }
        final Instant issued = instant(root.getAttribute("IssueInstant"));
        if (issued.isAfter(now.plus(skew)) || issued.isBefore(now.minus(skew).minus(PendingRequests.LIFETIME)))
        {
            throw new SamlException("the " + kind + " was issued at " + issued + ", too far from now");
        }
        final String relayState = raw.containsKey("RelayState") ? decode(raw.get("RelayState")) : null;
        if (request)
        {
            if (root.hasAttribute("NotOnOrAfter") && !now.isBefore(instant(root.getAttribute("NotOnOrAfter"))
                .plus(skew)))
            {
                throw new SamlException("the LogoutRequest expired");
            }
            final String nameId = text(child(root, SamlResponseValidator.ASSERTION, "NameID"));
            if (nameId.isEmpty() || nameId.length() > 256)
            {
                throw new SamlException("the LogoutRequest's NameID is empty or too long");
            }
            return new Incoming(true, root.getAttribute("ID"), nameId, null, false, relayState);
        }
        final Element status = child(root, SamlResponseValidator.PROTOCOL, "Status");
        final String code = child(status, SamlResponseValidator.PROTOCOL, "StatusCode").getAttribute("Value");
        return new Incoming(false, root.getAttribute("ID"), null, root.getAttribute("InResponseTo"),
            SUCCESS.equals(code), relayState);
    }

    /** HTTP-Redirect binding §3.4.4.1: the signature covers MESSAGE=…[&RelayState=…]&SigAlg=… as sent. */
    private static void checkSignature(final Map<String, String> raw, final String parameter,
        final List<X509Certificate> certificates, final Instant now) throws SamlException
    {
        final String sigAlg = raw.get("SigAlg");
        final String signature = raw.get("Signature");
        if (sigAlg == null || signature == null)
        {
            throw new SamlException("the logout message is not signed");
        }
        final String algorithm = SIGNATURES.get(decode(sigAlg));
        if (algorithm == null)
        {
            throw new SamlException("signature algorithm " + decode(sigAlg) + " is not accepted");
        }
        final byte[] signed = (parameter + "=" + raw.get(parameter) + (raw.containsKey("RelayState")
            ? "&RelayState=" + raw.get("RelayState") : "") + "&SigAlg=" + sigAlg).getBytes(StandardCharsets.US_ASCII);
        final byte[] value;
        try
        {
            value = Base64.getMimeDecoder().decode(decode(signature));
        }
        catch (final IllegalArgumentException ex)
        {
            throw new SamlException("the Signature is not base64");
        }
        for (final X509Certificate certificate : certificates)
        {
            try
            {
                certificate.checkValidity(java.util.Date.from(now));
                final PublicKey key = certificate.getPublicKey();
                final Signature check = Signature.getInstance(algorithm);
                check.initVerify(key);
                check.update(signed);
                if (check.verify(value))
                {
                    return;
                }
            }
            catch (final GeneralSecurityException | IllegalArgumentException ex)
            {
                // another certificate of the trustpoint may hold the key
            }
        }
        throw new SamlException("the logout message's signature does not verify with the IdP's certificate");
    }

    private static byte[] inflate(final String base64) throws SamlException
    {
        final Inflater inflater = new Inflater(true);
        try
        {
            inflater.setInput(Base64.getMimeDecoder().decode(base64));
            final ByteArrayOutputStream out = new ByteArrayOutputStream(1024);
            final byte[] chunk = new byte[4096];
            while (!inflater.finished())
            {
                final int n = inflater.inflate(chunk);
                if (n == 0 && (inflater.needsInput() || inflater.needsDictionary()))
                {
                    throw new SamlException("the logout message is not DEFLATE data");
                }
                out.write(chunk, 0, n);
                if (out.size() > SamlXml.MAX_BYTES)
                {
                    throw new SamlException("the logout message inflates to more than " + SamlXml.MAX_BYTES
                        + " bytes");
                }
            }
            return out.toByteArray();
        }
        catch (final DataFormatException | IllegalArgumentException ex)
        {
            throw new SamlException("the logout message is not base64 DEFLATE data");
        }
        finally
        {
            inflater.end();
        }
    }

    private static String decode(final String value) throws SamlException
    {
        try
        {
            return URLDecoder.decode(value, StandardCharsets.UTF_8);
        }
        catch (final IllegalArgumentException ex)
        {
            throw new SamlException("a parameter is not URL-encoded");
        }
    }

    private static Instant instant(final String value) throws SamlException
    {
        try
        {
            return Instant.parse(value);
        }
        catch (final DateTimeParseException ex)
        {
            throw new SamlException("a logout message time is not a UTC time: " + value);
        }
    }
}
