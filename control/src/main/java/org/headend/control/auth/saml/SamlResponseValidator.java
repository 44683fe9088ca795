package org.headend.control.auth.saml;

import static org.headend.control.auth.saml.SamlDom.child;
import static org.headend.control.auth.saml.SamlDom.is;
import static org.headend.control.auth.saml.SamlDom.optionalChild;
import static org.headend.control.auth.saml.SamlDom.text;

import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import javax.xml.crypto.MarshalException;
import javax.xml.crypto.dsig.CanonicalizationMethod;
import javax.xml.crypto.dsig.DigestMethod;
import javax.xml.crypto.dsig.Reference;
import javax.xml.crypto.dsig.SignatureMethod;
import javax.xml.crypto.dsig.Transform;
import javax.xml.crypto.dsig.XMLSignature;
import javax.xml.crypto.dsig.XMLSignatureException;
import javax.xml.crypto.dsig.XMLSignatureFactory;
import javax.xml.crypto.KeySelector;
import javax.xml.crypto.dsig.dom.DOMValidateContext;
import org.w3c.dom.Attr;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NamedNodeMap;
import org.w3c.dom.Node;
import org.w3c.dom.NodeList;

/**
 * Checks one SAML 2.0 {@code Response} (Web Browser SSO profile, HTTP-POST binding) against what this service
 * provider expects, and reads the user from it. Stateless: whether the {@code InResponseTo} names a request we sent
 * and whether the assertion was used before is for the caller ({@link SamlServiceProvider}).
 * <p>
 * Signature wrapping is defeated by shape, not by searching: the document holds exactly one {@code Assertion}, a
 * child of the root {@code Response}; every {@code ds:Signature} is the enveloped signature of one of those two
 * elements, with exactly one reference whose URI is {@code #} + that element's own {@code ID} (IDs registered
 * explicitly, duplicates refused), and at least one of them verifies with the configured IdP certificate — the
 * {@code KeyInfo} a message carries is never trusted. All values are then read from that assertion only.
 */
public final class SamlResponseValidator
{
    public static final String PROTOCOL = "urn:oasis:names:tc:SAML:2.0:protocol";
    public static final String ASSERTION = "urn:oasis:names:tc:SAML:2.0:assertion";
    static final String SUCCESS = "urn:oasis:names:tc:SAML:2.0:status:Success";
    static final String BEARER = "urn:oasis:names:tc:SAML:2.0:cm:bearer";
    private static final Set<String> SIGNATURE_METHODS = Set.of(SignatureMethod.RSA_SHA256,
        SignatureMethod.RSA_SHA384, SignatureMethod.RSA_SHA512, SignatureMethod.ECDSA_SHA256,
        SignatureMethod.ECDSA_SHA384, SignatureMethod.ECDSA_SHA512);
    private static final Set<String> DIGESTS = Set.of(DigestMethod.SHA256, DigestMethod.SHA384,
        DigestMethod.SHA512);
    private static final Set<String> TRANSFORMS = Set.of(Transform.ENVELOPED, CanonicalizationMethod.EXCLUSIVE);
    private static final Set<String> CANONICALIZATIONS = Set.of(CanonicalizationMethod.EXCLUSIVE,
        CanonicalizationMethod.INCLUSIVE);
    private static final int MAX_NAME_ID = 256;
    private static final int MAX_ATTRIBUTES = 64;
    private static final int MAX_VALUES = 256;

    /**
     * What the response must match.
     *
     * @param idpEntityId      the IdP's entity ID ({@code saml idp ENTITY-ID}): the assertion's Issuer
     * @param idpCertificates  the IdP's signing certificates ({@code trustpoint idp}; two during a key rollover):
     *                         the only keys signatures are checked with
     * @param spEntityId       our entity ID: the Audience
     * @param acsUrl           our assertion consumer service: the Destination and the Recipient
     * @param assertionTimeout {@code timeout assertion}: how long after its IssueInstant an assertion is accepted
     *                         at most, whatever its own limits say
     * @param skew             the clock difference tolerated on every time check
     */
    public record Expectation(String idpEntityId, List<X509Certificate> idpCertificates, String spEntityId, String acsUrl,
        Duration assertionTimeout, Duration skew)
    {
    }

    private SamlResponseValidator()
    {
    }

    /**
     * @param response the parsed Response ({@link SamlXml#parse})
     * @param now      the time to check the validity windows against
     * @return what the one signed assertion says
     * @throws SamlException naming the first check that failed
     */
    public static VerifiedAssertion validate(final Document response, final Expectation expected, final Instant now)
        throws SamlException
    {
        final Element root = response.getDocumentElement();
        if (!is(root, PROTOCOL, "Response"))
        {
            throw new SamlException("the message is not a samlp:Response");
        }
        requireVersion(root);
        final Element assertion = theAssertion(response, root);
        checkSignatures(response, root, assertion, expected.idpCertificates(), now);

        final String destination = attribute(root, "Destination");
        if (destination != null && !destination.equals(expected.acsUrl()))
        {
            throw new SamlException("Destination " + destination + " is not our assertion consumer service");
        }
        final Element responseIssuer = optionalChild(root, ASSERTION, "Issuer");
        if (responseIssuer != null && !expected.idpEntityId().equals(text(responseIssuer)))
        {
            throw new SamlException("Response Issuer " + text(responseIssuer) + " is not the configured IdP");
        }
        final Element status = child(root, PROTOCOL, "Status");
        final String code = attribute(child(status, PROTOCOL, "StatusCode"), "Value");
        if (!SUCCESS.equals(code))
        {
            throw new SamlException("the IdP answered status " + code);
        }

        requireVersion(assertion);
        final String id = attribute(assertion, "ID");
        if (!expected.idpEntityId().equals(text(child(assertion, ASSERTION, "Issuer"))))
        {
            throw new SamlException("Assertion Issuer is not the configured IdP " + expected.idpEntityId());
        }
        final Instant issued = instant(assertion, "IssueInstant", true);
        final Duration skew = expected.skew();
        if (issued.isAfter(now.plus(skew)))
        {
            throw new SamlException("the assertion was issued in the future (" + issued + ")");
        }
        Instant expires = issued.plus(expected.assertionTimeout()).plus(skew);
        if (!now.isBefore(expires))
        {
            throw new SamlException("the assertion is older than timeout assertion (issued " + issued + ")");
        }

        final Element subject = child(assertion, ASSERTION, "Subject");
        final String nameId = text(child(subject, ASSERTION, "NameID"));
        if (nameId.isEmpty() || nameId.length() > MAX_NAME_ID)
        {
            throw new SamlException("the NameID is empty or longer than " + MAX_NAME_ID);
        }
        final Element confirmationData = bearerConfirmation(subject, expected.acsUrl());
        final String inResponseTo = attribute(confirmationData, "InResponseTo");
        if (inResponseTo == null)
        {
            throw new SamlException("the subject confirmation names no InResponseTo (unsolicited responses are "
                + "not accepted)");
        }
        final String responseInResponseTo = attribute(root, "InResponseTo");
        if (responseInResponseTo != null && !responseInResponseTo.equals(inResponseTo))
        {
            throw new SamlException("the Response and its assertion answer different requests");
        }
        final Instant confirmationEnd = instant(confirmationData, "NotOnOrAfter", true).plus(skew);
        if (!now.isBefore(confirmationEnd))
        {
            throw new SamlException("the subject confirmation expired at " + confirmationEnd.minus(skew));
        }
        expires = earliest(expires, confirmationEnd);

        final Element conditions = child(assertion, ASSERTION, "Conditions");
        final Instant notBefore = instant(conditions, "NotBefore", false);
        if (notBefore != null && now.plus(skew).isBefore(notBefore))
        {
            throw new SamlException("the assertion is not valid before " + notBefore);
        }
        final Instant notOnOrAfter = instant(conditions, "NotOnOrAfter", false);
        if (notOnOrAfter != null)
        {
            if (!now.isBefore(notOnOrAfter.plus(skew)))
            {
                throw new SamlException("the assertion expired at " + notOnOrAfter);
            }
            expires = earliest(expires, notOnOrAfter.plus(skew));
        }
        requireAudience(conditions, expected.spEntityId());
        return new VerifiedAssertion(id, nameId, inResponseTo, expires, attributes(assertion));
    }

    /** The ID of the AuthnRequest a response claims to answer, read before it is checked, to find that request. */
    public static String claimedRequest(final Document response)
    {
        final Element root = response.getDocumentElement();
        final String id = root.getAttributeNS(null, "InResponseTo");
        return id.isEmpty() ? null : id;
    }

    private static Element theAssertion(final Document response, final Element root) throws SamlException
    {
        if (response.getElementsByTagNameNS(ASSERTION, "EncryptedAssertion").getLength() > 0)
        {
            // SamlServiceProvider decrypts before it validates: one left here was not the Response's only one
            throw new SamlException("the response holds an encrypted assertion besides the one decrypted");
        }
        final NodeList all = response.getElementsByTagNameNS(ASSERTION, "Assertion");
        if (all.getLength() != 1)
        {
            throw new SamlException("the response holds " + all.getLength() + " assertions, not exactly one");
        }
        final Element assertion = (Element)all.item(0);
        if (assertion.getParentNode() != root)
        {
            throw new SamlException("the assertion is not a child of the Response");
        }
        return assertion;
    }

    /**
     * Every signature must sit where a SAML signature belongs and cover its parent by ID; the Response's or the
     * assertion's (or both) must verify with the IdP's key.
     */
    private static void checkSignatures(final Document response, final Element root, final Element assertion,
        final List<X509Certificate> certificates, final Instant now) throws SamlException
    {
        final List<X509Certificate> current = certificates.stream().filter(c -> validAt(c, now)).toList();
        if (current.isEmpty())
        {
            throw new SamlException("no IdP signing certificate of the trustpoint is valid now");
        }
        requireUniqueIds(root);
        final NodeList signatures = response.getElementsByTagNameNS(XMLSignature.XMLNS, "Signature");
        if (signatures.getLength() == 0)
        {
            throw new SamlException("the response is not signed");
        }
        if (signatures.getLength() > 2)
        {
            throw new SamlException("the response holds " + signatures.getLength() + " signatures");
        }
        final List<Element> checked = new ArrayList<>(2);
        for (int i = 0; i < signatures.getLength(); i++)
        {
            final Element signature = (Element)signatures.item(i);
            final Node parent = signature.getParentNode();
            if (parent != root && parent != assertion)
            {
                throw new SamlException("a signature is neither the Response's nor the assertion's");
            }
            if (checked.contains((Element)parent))
            {
                throw new SamlException("an element carries two signatures");
            }
            verifyWithAny(signature, (Element)parent, current);
            checked.add((Element)parent);
        }
    }

    /**
     * Verifies the Response's own signature as it arrived, before its assertion is decrypted
     * ({@link EncryptedAssertions}): the same rules as {@link #validate} applies to every signature.
     */
    static void verifyResponseSignature(final Document response, final Element signature,
        final List<X509Certificate> certificates, final Instant now) throws SamlException
    {
        final List<X509Certificate> current = certificates.stream().filter(c -> validAt(c, now)).toList();
        if (current.isEmpty())
        {
            throw new SamlException("no IdP signing certificate of the trustpoint is valid now");
        }
        requireUniqueIds(response.getDocumentElement());
        verifyWithAny(signature, response.getDocumentElement(), current);
    }

    private static void verifyWithAny(final Element signature, final Element parent,
        final List<X509Certificate> current) throws SamlException
    {
        SamlException refusal = null;
        for (final X509Certificate certificate : current)
        {
            try
            {
                verify(signature, parent, certificate);
                return;
            }
            catch (final SamlException ex)
            {
                refusal = ex;
            }
        }
        throw refusal;
    }

    private static boolean validAt(final X509Certificate certificate, final Instant now)
    {
        try
        {
            certificate.checkValidity(java.util.Date.from(now));
            return true;
        }
        catch (final java.security.cert.CertificateException ex)
        {
            return false;
        }
    }

    private static void verify(final Element signature, final Element signed, final X509Certificate certificate)
        throws SamlException
    {
        final String id = attribute(signed, "ID");
        if (id == null || id.isEmpty())
        {
            throw new SamlException("a signed element has no ID");
        }
        final DOMValidateContext context =
            new DOMValidateContext(KeySelector.singletonKeySelector(certificate.getPublicKey()), signature);
        context.setProperty("org.jcp.xml.dsig.secureValidation", Boolean.TRUE);
        context.setIdAttributeNS(signed, null, "ID");
        try
        {
            final XMLSignature xmlSignature = XMLSignatureFactory.getInstance("DOM").unmarshalXMLSignature(context);
            final var info = xmlSignature.getSignedInfo();
            if (!SIGNATURE_METHODS.contains(info.getSignatureMethod().getAlgorithm()))
            {
                throw new SamlException("signature algorithm " + info.getSignatureMethod().getAlgorithm()
                    + " is not accepted");
            }
            if (!CANONICALIZATIONS.contains(info.getCanonicalizationMethod().getAlgorithm()))
            {
                throw new SamlException("canonicalization " + info.getCanonicalizationMethod().getAlgorithm()
                    + " is not accepted");
            }
            if (info.getReferences().size() != 1)
            {
                throw new SamlException("a signature has " + info.getReferences().size() + " references, not one");
            }
            final Reference reference = (Reference)info.getReferences().get(0);
            if (!("#" + id).equals(reference.getURI()))
            {
                throw new SamlException("a signature references " + reference.getURI() + ", not its parent #" + id);
            }
            if (!DIGESTS.contains(reference.getDigestMethod().getAlgorithm()))
            {
                throw new SamlException("digest " + reference.getDigestMethod().getAlgorithm() + " is not accepted");
            }
            for (final Object transform : reference.getTransforms())
            {
                if (!TRANSFORMS.contains(((Transform)transform).getAlgorithm()))
                {
                    throw new SamlException("transform " + ((Transform)transform).getAlgorithm()
                        + " is not accepted");
                }
            }
            if (!xmlSignature.validate(context))
            {
                throw new SamlException("the signature does not verify with the IdP's certificate");
            }
        }
        catch (final MarshalException | XMLSignatureException | RuntimeException ex)
        {
            throw new SamlException("the signature cannot be checked: " + ex.getMessage(), ex);
        }
    }

    /** Two elements with the same ID would let a reference point elsewhere than where we read. */
    private static void requireUniqueIds(final Element root) throws SamlException
    {
        final Set<String> seen = new HashSet<>();
        final NodeList all = root.getOwnerDocument().getElementsByTagNameNS("*", "*");
        for (int i = 0; i < all.getLength(); i++)
        {
            final NamedNodeMap attributes = all.item(i).getAttributes();
            for (int a = 0; a < attributes.getLength(); a++)
            {
                final Attr attr = (Attr)attributes.item(a);
                final String name = attr.getLocalName() != null ? attr.getLocalName() : attr.getName();
                if (("ID".equalsIgnoreCase(name) || "Id".equals(name)) && !seen.add(attr.getValue()))
                {
                    throw new SamlException("the ID " + attr.getValue() + " appears twice");
                }
            }
        }
    }

    private static Element bearerConfirmation(final Element subject, final String acsUrl) throws SamlException
    {
        for (Node node = subject.getFirstChild(); node != null; node = node.getNextSibling())
        {
            if (node instanceof Element confirmation && is(confirmation, ASSERTION, "SubjectConfirmation")
                && BEARER.equals(attribute(confirmation, "Method")))
            {
                final Element data = child(confirmation, ASSERTION, "SubjectConfirmationData");
                if (!acsUrl.equals(attribute(data, "Recipient")))
                {
                    throw new SamlException("Recipient " + attribute(data, "Recipient")
                        + " is not our assertion consumer service");
                }
                if (attribute(data, "NotBefore") != null)
                {
                    throw new SamlException("a bearer confirmation must not carry NotBefore");
                }
                return data;
            }
        }
        throw new SamlException("the subject has no bearer confirmation");
    }

    private static void requireAudience(final Element conditions, final String spEntityId) throws SamlException
    {
        boolean restricted = false;
        for (Node node = conditions.getFirstChild(); node != null; node = node.getNextSibling())
        {
            if (node instanceof Element restriction && is(restriction, ASSERTION, "AudienceRestriction"))
            {
                restricted = true;
                boolean ours = false;
                for (Node a = restriction.getFirstChild(); a != null; a = a.getNextSibling())
                {
                    ours |= a instanceof Element audience && is(audience, ASSERTION, "Audience")
                        && spEntityId.equals(text(audience));
                }
                if (!ours)
                {
                    // every AudienceRestriction must name us (SAML core 2.5.1.4)
                    throw new SamlException("the assertion is meant for another audience, not " + spEntityId);
                }
            }
        }
        if (!restricted)
        {
            throw new SamlException("the assertion names no audience");
        }
    }

    private static Map<String, List<String>> attributes(final Element assertion) throws SamlException
    {
        final Map<String, List<String>> attributes = new LinkedHashMap<>();
        for (Node s = assertion.getFirstChild(); s != null; s = s.getNextSibling())
        {
            if (!(s instanceof Element statement && is(statement, ASSERTION, "AttributeStatement")))
            {
                continue;
            }
            for (Node a = statement.getFirstChild(); a != null; a = a.getNextSibling())
            {
                if (!(a instanceof Element attribute && is(attribute, ASSERTION, "Attribute")))
                {
                    continue;
                }
                final String name = attribute(attribute, "Name");
                if (name == null || attributes.size() >= MAX_ATTRIBUTES && !attributes.containsKey(name))
                {
                    throw new SamlException("an attribute without a name, or more than " + MAX_ATTRIBUTES);
                }
                final List<String> values = attributes.computeIfAbsent(name, k -> new ArrayList<>());
                for (Node v = attribute.getFirstChild(); v != null; v = v.getNextSibling())
                {
                    if (v instanceof Element value && is(value, ASSERTION, "AttributeValue"))
                    {
                        if (values.size() >= MAX_VALUES)
                        {
                            throw new SamlException("attribute " + name + " has more than " + MAX_VALUES + " values");
                        }
                        final String text = textOrNull(value);
                        if (text != null)
                        {
                            values.add(text);
                        }
                    }
                }
            }
        }
        final Map<String, List<String>> frozen = new LinkedHashMap<>();
        attributes.forEach((name, values) -> frozen.put(name, List.copyOf(values)));
        return java.util.Collections.unmodifiableMap(frozen);
    }

    private static void requireVersion(final Element element) throws SamlException
    {
        if (!"2.0".equals(attribute(element, "Version")))
        {
            throw new SamlException(element.getLocalName() + " is not SAML version 2.0");
        }
    }

    private static Instant instant(final Element element, final String name, final boolean required)
        throws SamlException
    {
        final String value = attribute(element, name);
        if (value == null)
        {
            if (required)
            {
                throw new SamlException(element.getLocalName() + " has no " + name);
            }
            return null;
        }
        try
        {
            return Instant.parse(value);
        }
        catch (final DateTimeParseException ex)
        {
            throw new SamlException(element.getLocalName() + " " + name + " is not a UTC time: " + value);
        }
    }

    private static Instant earliest(final Instant a, final Instant b)
    {
        return a.isBefore(b) ? a : b;
    }

    /** Text of an attribute value, or null for a structured value (none we map is one). */
    private static String textOrNull(final Element element)
    {
        try
        {
            return text(element);
        }
        catch (final SamlException ex)
        {
            return null;
        }
    }

    private static String attribute(final Element element, final String name)
    {
        return element.hasAttributeNS(null, name) ? element.getAttributeNS(null, name) : null;
    }
}
