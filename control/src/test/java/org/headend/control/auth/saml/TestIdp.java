package org.headend.control.auth.saml;

import java.io.ByteArrayInputStream;
import java.io.StringWriter;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import java.util.List;
import java.util.Map;
import javax.xml.crypto.dsig.CanonicalizationMethod;
import javax.xml.crypto.dsig.DigestMethod;
import javax.xml.crypto.dsig.SignatureMethod;
import javax.xml.crypto.dsig.Transform;
import javax.xml.crypto.dsig.XMLSignatureFactory;
import javax.xml.crypto.dsig.dom.DOMSignContext;
import javax.xml.crypto.dsig.keyinfo.KeyInfoFactory;
import javax.xml.crypto.dsig.spec.C14NMethodParameterSpec;
import javax.xml.crypto.dsig.spec.TransformParameterSpec;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.transform.TransformerFactory;
import javax.xml.transform.dom.DOMSource;
import javax.xml.transform.stream.StreamResult;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;

/**
 * A test identity provider: an RSA key and its self-signed certificate, and SAML Responses written and signed
 * with the JDK's XML signature API the way IdPs do (enveloped, exclusive c14n, RSA-SHA256, the Signature right
 * after the Issuer). Every field of the response can be set, so each test changes the one thing it is about.
 */
final class TestIdp
{
    static final String ENTITY = "https://idp.test/saml";

    final KeyPair keys;
    final X509Certificate certificate;

    private TestIdp(final KeyPair keys, final X509Certificate certificate)
    {
        this.keys = keys;
        this.certificate = certificate;
    }

    static TestIdp create(final String name) throws Exception
    {
        final KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
        generator.initialize(2048);
        final KeyPair pair = generator.generateKeyPair();
        final X500Name subject = new X500Name("CN=" + name);
        final JcaX509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(subject,
            BigInteger.valueOf(System.nanoTime()), Date.from(Instant.now().minus(Duration.ofDays(1))),
            Date.from(Instant.now().plus(Duration.ofDays(30))), subject, pair.getPublic());
        return new TestIdp(pair, new JcaX509CertificateConverter().getCertificate(
            builder.build(new JcaContentSignerBuilder("SHA256withRSA").build(pair.getPrivate()))));
    }

    /** The fields of one response; {@link #with} changes one. */
    record Response(String issuer, String destination, String inResponseTo, String nameId, Instant issued,
        Instant notBefore, Instant notOnOrAfter, String audience, String recipient, String assertionId,
        String responseId, String status, Map<String, List<String>> attributes)
    {
        static Response valid(final String requestId, final String audience, final String acs, final Instant now)
        {
            return new Response(ENTITY, acs, requestId, "alice", now.minusSeconds(2), now.minusSeconds(5),
                now.plusSeconds(300), audience, acs, AuthnRequests.newId(), AuthnRequests.newId(),
                SamlResponseValidator.SUCCESS, Map.of("groups", List.of("vpn-staff", "everyone")));
        }

        Response withNameId(final String value)
        {
            return new Response(issuer, destination, inResponseTo, value, issued, notBefore, notOnOrAfter, audience,
                recipient, assertionId, responseId, status, attributes);
        }

        Response withIssuer(final String value)
        {
            return new Response(value, destination, inResponseTo, nameId, issued, notBefore, notOnOrAfter, audience,
                recipient, assertionId, responseId, status, attributes);
        }

        Response withDestination(final String value)
        {
            return new Response(issuer, value, inResponseTo, nameId, issued, notBefore, notOnOrAfter, audience,
                recipient, assertionId, responseId, status, attributes);
        }

        Response withIssued(final Instant value)
        {
            return new Response(issuer, destination, inResponseTo, nameId, value, notBefore, notOnOrAfter, audience,
                recipient, assertionId, responseId, status, attributes);
        }

        Response withNotBefore(final Instant value)
        {
            return new Response(issuer, destination, inResponseTo, nameId, issued, value, notOnOrAfter, audience,
                recipient, assertionId, responseId, status, attributes);
        }

        Response withNotOnOrAfter(final Instant value)
        {
            return new Response(issuer, destination, inResponseTo, nameId, issued, notBefore, value, audience,
                recipient, assertionId, responseId, status, attributes);
        }

        Response withAudience(final String value)
        {
            return new Response(issuer, destination, inResponseTo, nameId, issued, notBefore, notOnOrAfter, value,
                recipient, assertionId, responseId, status, attributes);
        }

        Response withRecipient(final String value)
        {
            return new Response(issuer, destination, inResponseTo, nameId, issued, notBefore, notOnOrAfter, audience,
                value, assertionId, responseId, status, attributes);
        }

        Response withAssertionId(final String value)
        {
            return new Response(issuer, destination, inResponseTo, nameId, issued, notBefore, notOnOrAfter, audience,
                recipient, value, responseId, status, attributes);
        }

        Response withStatus(final String value)
        {
            return new Response(issuer, destination, inResponseTo, nameId, issued, notBefore, notOnOrAfter, audience,
                recipient, assertionId, responseId, value, attributes);
        }

        Response withAttributes(final Map<String, List<String>> value)
        {
            return new Response(issuer, destination, inResponseTo, nameId, issued, notBefore, notOnOrAfter, audience,
                recipient, assertionId, responseId, status, value);
        }
    }

    /** The response as XML, unsigned. */
    static String xml(final Response r)
    {
        final StringBuilder attributes = new StringBuilder();
        r.attributes().forEach((name, values) ->
        {
            attributes.append("<saml:Attribute Name=\"").append(name).append("\">");
            values.forEach(v -> attributes.append("<saml:AttributeValue>").append(v).append("</saml:AttributeValue>"));
            attributes.append("</saml:Attribute>");
        });
        return "<samlp:Response xmlns:samlp=\"urn:oasis:names:tc:SAML:2.0:protocol\""
            + " xmlns:saml=\"urn:oasis:names:tc:SAML:2.0:assertion\" ID=\"" + r.responseId() + "\" Version=\"2.0\""
            + " IssueInstant=\"" + r.issued() + "\" Destination=\"" + r.destination() + "\""
            + " InResponseTo=\"" + r.inResponseTo() + "\">"
            + "<saml:Issuer>" + r.issuer() + "</saml:Issuer>"
            + "<samlp:Status><samlp:StatusCode Value=\"" + r.status() + "\"/></samlp:Status>"
            + "<saml:Assertion ID=\"" + r.assertionId() + "\" Version=\"2.0\" IssueInstant=\"" + r.issued() + "\">"
            + "<saml:Issuer>" + r.issuer() + "</saml:Issuer>"
            + "<saml:Subject><saml:NameID Format=\"urn:oasis:names:tc:SAML:1.1:nameid-format:unspecified\">"
            + r.nameId() + "</saml:NameID>"
            + "<saml:SubjectConfirmation Method=\"urn:oasis:names:tc:SAML:2.0:cm:bearer\">"
            + "<saml:SubjectConfirmationData NotOnOrAfter=\"" + r.notOnOrAfter() + "\" Recipient=\""
            + r.recipient() + "\" InResponseTo=\"" + r.inResponseTo() + "\"/>"
            + "</saml:SubjectConfirmation></saml:Subject>"
            + "<saml:Conditions NotBefore=\"" + r.notBefore() + "\" NotOnOrAfter=\"" + r.notOnOrAfter() + "\">"
            + "<saml:AudienceRestriction><saml:Audience>" + r.audience() + "</saml:Audience>"
            + "</saml:AudienceRestriction></saml:Conditions>"
            + "<saml:AuthnStatement AuthnInstant=\"" + r.issued() + "\"><saml:AuthnContext>"
            + "<saml:AuthnContextClassRef>urn:oasis:names:tc:SAML:2.0:ac:classes:Password</saml:AuthnContextClassRef>"
            + "</saml:AuthnContext></saml:AuthnStatement>"
            + "<saml:AttributeStatement>" + attributes + "</saml:AttributeStatement>"
            + "</saml:Assertion></samlp:Response>";
    }

    /** {@code xml} with its assertion signed by this IdP. */
    String signAssertion(final String xml) throws Exception
    {
        final Document document = parse(xml);
        final Element assertion = (Element)document.getElementsByTagNameNS(SamlResponseValidator.ASSERTION,
            "Assertion").item(0);
        sign(assertion);
        return serialize(document);
    }

    /** {@code xml} with the whole Response signed by this IdP (IdPs that sign the response only). */
    String signResponse(final String xml) throws Exception
    {
        final Document document = parse(xml);
        sign(document.getDocumentElement());
        return serialize(document);
    }

    private void sign(final Element element) throws Exception
    {
        final XMLSignatureFactory factory = XMLSignatureFactory.getInstance("DOM");
        final var reference = factory.newReference("#" + element.getAttribute("ID"),
            factory.newDigestMethod(DigestMethod.SHA256, null),
            List.of(factory.newTransform(Transform.ENVELOPED, (TransformParameterSpec)null),
                factory.newTransform(CanonicalizationMethod.EXCLUSIVE, (TransformParameterSpec)null)), null, null);
        final var info = factory.newSignedInfo(
            factory.newCanonicalizationMethod(CanonicalizationMethod.EXCLUSIVE, (C14NMethodParameterSpec)null),
            factory.newSignatureMethod(SignatureMethod.RSA_SHA256, null), List.of(reference));
        final KeyInfoFactory keyInfos = factory.getKeyInfoFactory();
        final var keyInfo = keyInfos.newKeyInfo(List.of(keyInfos.newX509Data(List.of(certificate))));
        Node afterIssuer = element.getFirstChild().getNextSibling();
        final DOMSignContext context = new DOMSignContext(keys.getPrivate(), element, afterIssuer);
        context.setIdAttributeNS(element, null, "ID");
        factory.newXMLSignature(info, keyInfo).sign(context);
    }

    /**
     * {@code xml} with its assertion encrypted for {@code sp} as XML Encryption writes it: a fresh AES key
     * encrypts the assertion ({@code content}: {@code aes128-gcm}, {@code aes256-cbc}, …), RSA ({@code transport}:
     * {@code rsa-oaep-mgf1p}, {@code rsa-1_5}) encrypts the key into an EncryptedKey inside the KeyInfo.
     */
    static String encryptAssertion(final String xml, final java.security.PublicKey sp, final String content,
        final String transport) throws Exception
    {
        final Document document = parse(xml);
        final Element assertion = (Element)document.getElementsByTagNameNS(SamlResponseValidator.ASSERTION,
            "Assertion").item(0);
        final Document alone = DocumentBuilderFactory.newDefaultNSInstance().newDocumentBuilder().newDocument();
        final Element copy = (Element)alone.importNode(assertion, true);
        copy.setAttributeNS("http://www.w3.org/2000/xmlns/", "xmlns:saml", SamlResponseValidator.ASSERTION);
        alone.appendChild(copy);
        final byte[] plain = serialize(alone).getBytes(StandardCharsets.UTF_8);
        final boolean gcm = content.endsWith("gcm");
        final int bits = Integer.parseInt(content.substring(3, 6));
        final byte[] key = new byte[bits / 8];
        final java.security.SecureRandom random = new java.security.SecureRandom();
        random.nextBytes(key);
        final byte[] iv = new byte[gcm ? 12 : 16];
        random.nextBytes(iv);
        final javax.crypto.Cipher aes = javax.crypto.Cipher.getInstance(gcm ? "AES/GCM/NoPadding"
            : "AES/CBC/PKCS5Padding");
        aes.init(javax.crypto.Cipher.ENCRYPT_MODE, new javax.crypto.spec.SecretKeySpec(key, "AES"),
            gcm ? new javax.crypto.spec.GCMParameterSpec(128, iv) : new javax.crypto.spec.IvParameterSpec(iv));
        final byte[] body = aes.doFinal(plain);
        final byte[] value = new byte[iv.length + body.length];
        System.arraycopy(iv, 0, value, 0, iv.length);
        System.arraycopy(body, 0, value, iv.length, body.length);
        final javax.crypto.Cipher rsa = javax.crypto.Cipher.getInstance(transport.equals("rsa-1_5")
            ? "RSA/ECB/PKCS1Padding" : "RSA/ECB/OAEPWithSHA-1AndMGF1Padding");
        rsa.init(javax.crypto.Cipher.ENCRYPT_MODE, sp);
        final String xenc = EncryptedAssertions.XENC;
        final String encrypted = "<saml:EncryptedAssertion xmlns:saml=\"" + SamlResponseValidator.ASSERTION + "\">"
            + "<xenc:EncryptedData xmlns:xenc=\"" + xenc + "\" Type=\"" + xenc + "Element\">"
            + "<xenc:EncryptionMethod Algorithm=\"" + (gcm ? EncryptedAssertions.XENC11 : xenc) + content + "\"/>"
            + "<ds:KeyInfo xmlns:ds=\"http://www.w3.org/2000/09/xmldsig#\"><xenc:EncryptedKey>"
            + "<xenc:EncryptionMethod Algorithm=\"" + xenc + transport + "\"/>"
            + "<xenc:CipherData><xenc:CipherValue>" + Base64.getEncoder().encodeToString(rsa.doFinal(key))
            + "</xenc:CipherValue></xenc:CipherData></xenc:EncryptedKey></ds:KeyInfo>"
            + "<xenc:CipherData><xenc:CipherValue>" + Base64.getEncoder().encodeToString(value)
            + "</xenc:CipherValue></xenc:CipherData></xenc:EncryptedData></saml:EncryptedAssertion>";
        final Node replacement = document.importNode(parse(encrypted).getDocumentElement(), true);
        assertion.getParentNode().replaceChild(replacement, assertion);
        return serialize(document);
    }

    /** A logout message of this IdP as the HTTP-Redirect binding sends it: the query, signed over as sent. */
    String redirectQuery(final String parameter, final String xml, final boolean sign) throws Exception
    {
        final String query = parameter + "=" + AuthnRequests.encode(Base64.getEncoder().encodeToString(
            AuthnRequests.deflate(xml)));
        return sign ? AuthnRequests.signed(query, keys.getPrivate()) : query;
    }

    /** The IdP's LogoutRequest for {@code nameId}, to {@code destination}. */
    static String logoutRequest(final String id, final String nameId, final String destination, final Instant now)
    {
        return "<samlp:LogoutRequest xmlns:samlp=\"urn:oasis:names:tc:SAML:2.0:protocol\""
            + " xmlns:saml=\"urn:oasis:names:tc:SAML:2.0:assertion\" ID=\"" + id + "\" Version=\"2.0\""
            + " IssueInstant=\"" + now + "\" Destination=\"" + destination.replace("&", "&amp;") + "\">"
            + "<saml:Issuer>" + ENTITY + "</saml:Issuer><saml:NameID>" + nameId + "</saml:NameID>"
            + "</samlp:LogoutRequest>";
    }

    /** The IdP's LogoutResponse to our LogoutRequest {@code inResponseTo}. */
    static String logoutResponse(final String inResponseTo, final String status, final Instant now)
    {
        return "<samlp:LogoutResponse xmlns:samlp=\"urn:oasis:names:tc:SAML:2.0:protocol\""
            + " xmlns:saml=\"urn:oasis:names:tc:SAML:2.0:assertion\" ID=\"" + AuthnRequests.newId()
            + "\" Version=\"2.0\" IssueInstant=\"" + now + "\" InResponseTo=\"" + inResponseTo + "\">"
            + "<saml:Issuer>" + ENTITY + "</saml:Issuer><samlp:Status><samlp:StatusCode Value=\"" + status
            + "\"/></samlp:Status></samlp:LogoutResponse>";
    }

    static Document parse(final String xml) throws Exception
    {
        final DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
        factory.setNamespaceAware(true);
        return factory.newDocumentBuilder().parse(new ByteArrayInputStream(xml.getBytes(StandardCharsets.UTF_8)));
    }

    static String serialize(final Document document) throws Exception
    {
        final StringWriter out = new StringWriter();
        final var transformer = TransformerFactory.newInstance().newTransformer();
        transformer.setOutputProperty(javax.xml.transform.OutputKeys.OMIT_XML_DECLARATION, "yes");
        transformer.transform(new DOMSource(document), new StreamResult(out));
        return out.toString();
    }

    static String form(final String xml)
    {
        return Base64.getEncoder().encodeToString(xml.getBytes(StandardCharsets.UTF_8));
    }
}
