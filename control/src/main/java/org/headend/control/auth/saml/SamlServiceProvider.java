package org.headend.control.auth.saml;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.function.Function;
import java.util.function.Supplier;
import org.headend.control.config.HeadendConfig;
import org.headend.control.config.LdapAttributeMap;
import org.headend.control.config.SamlIdp;
import org.headend.control.config.Trustpoint;
import org.headend.control.config.TunnelAuthentication;
import org.headend.control.config.TunnelGroup;
import org.w3c.dom.Document;

/**
 * The SAML 2.0 service provider of the tunnel-groups with {@code authentication saml}: sends the browser to the
 * group's IdP with an AuthnRequest and, when the browser comes back with the IdP's Response, accepts it only as
 * the answer to that request, decrypted first when the IdP encrypted the assertion for our {@code trustpoint sp}
 * ({@link EncryptedAssertions}), checked by {@link SamlResponseValidator}, used once. It then names the user (the
 * NameID or {@code username-attribute}) and the group-policy ({@code attribute-map}, as for LDAP users).
 * Thread-safe; the checks of a response take a few milliseconds of CPU, so callers run {@link #consume} off the
 * control thread.
 *
 * @param <T> what a login needs back when its answer arrives (an AnyConnect login, a portal login)
 */
public final class SamlServiceProvider<T>
{
    /** Clock difference tolerated between the IdP and us. */
    public static final Duration SKEW = Duration.ofSeconds(60);
    /** Largest SAMLResponse form value read (base64 of {@link SamlXml#MAX_BYTES}). */
    public static final int MAX_ENCODED = SamlXml.MAX_BYTES / 3 * 4 + 4;
    private static final int MAX_PENDING = 10_000;
    private static final int MAX_USED_ASSERTIONS = 100_000;
    private static final int MAX_USERNAME = 64;
    private static final int MAX_POLICY_NAME = 64;
    private static final SecureRandom RANDOM = new SecureRandom();

    private final Supplier<HeadendConfig> config;
    private final Function<String, Path> flash;
    private final Clock clock;
    private final PendingRequests<Started<T>> requests = new PendingRequests<>(MAX_PENDING);
    private final ReplayCache replays = new ReplayCache(MAX_USED_ASSERTIONS);
    private final SignedInSubjects subjects = new SignedInSubjects(MAX_USED_ASSERTIONS);
    private final PendingRequests<String> logouts = new PendingRequests<>(MAX_PENDING);

    /** A login sent to the IdP: its tunnel-group and the caller's own record of it. */
    private record Started<T>(String tunnelGroup, String idp, T owner)
    {
    }

    /**
     * A login the IdP vouched for.
     *
     * @param owner       what the caller passed to {@link #start}
     * @param tunnelGroup the tunnel-group the login is for
     * @param username    the user
     * @param groupPolicy the group-policy the attribute-map gave, or null
     * @param idp         the IdP's entity ID (for the logs)
     */
    public record Result<T>(T owner, String tunnelGroup, String username, String groupPolicy, String idp)
    {
    }

    /**
     * @param flash turns a {@code disk0:} path (the IdP trustpoint's certificate file) into a file
     */
    public SamlServiceProvider(final Supplier<HeadendConfig> config, final Function<String, Path> flash,
        final Clock clock)
    {
        this.config = config;
        this.flash = flash;
        this.clock = clock;
    }

    /** The IdP of {@code tunnelGroup} when it logs in by SAML and the IdP is completely configured, else null. */
    public static SamlIdp idpOf(final HeadendConfig cfg, final String tunnelGroup)
    {
        final TunnelGroup group = cfg.tunnelGroup(tunnelGroup).orElse(null);
        if (group == null || group.authentication() != TunnelAuthentication.SAML
            || group.samlIdentityProvider() == null)
        {
            return null;
        }
        final SamlIdp idp = cfg.samlIdps().get(group.samlIdentityProvider());
        return idp != null && idp.complete() ? idp : null;
    }

    /**
     * Starts a login: the URL that sends the browser to the IdP.
     *
     * @throws SamlException when the tunnel-group has no usable IdP
     */
    public String start(final String tunnelGroup, final T owner) throws SamlException
    {
        final HeadendConfig cfg = config.get();
        final SamlIdp idp = idpOf(cfg, tunnelGroup);
        if (idp == null)
        {
            throw new SamlException("tunnel-group " + tunnelGroup + " has no complete saml identity-provider "
                + "(url sign-in, base-url, trustpoint idp) with authentication saml");
        }
        final byte[] relay = new byte[16];
        RANDOM.nextBytes(relay);
        final String relayState = HexFormat.of().formatHex(relay);
        final Instant now = clock.instant();
        final SpCredentials sp = SpCredentials.of(cfg, idp, flash);
        final AuthnRequests.Redirect redirect = AuthnRequests.redirect(idp.signInUrl(), idp.spEntityId(tunnelGroup),
            idp.acsUrl(tunnelGroup), relayState, now, sp == null ? null : sp.key());
        requests.add(redirect.requestId(), relayState, new Started<>(tunnelGroup, idp.entityId(), owner), now);
        return redirect.url();
    }

    /**
     * Checks the IdP's answer as posted to our assertion consumer service.
     *
     * @param samlResponse the {@code SAMLResponse} form value (base64)
     * @param relayState   the {@code RelayState} form value
     * @throws SamlException naming why the response is refused
     */
    public Result<T> consume(final String samlResponse, final String relayState) throws SamlException
    {
        if (samlResponse == null || relayState == null)
        {
            throw new SamlException("the form lacks SAMLResponse or RelayState");
        }
        if (samlResponse.length() > MAX_ENCODED)
        {
            throw new SamlException("SAMLResponse longer than " + MAX_ENCODED + " characters");
        }
        final byte[] xml;
        try
        {
            xml = Base64.getMimeDecoder().decode(samlResponse.getBytes(StandardCharsets.US_ASCII));
        }
        catch (final IllegalArgumentException ex)
        {
            throw new SamlException("SAMLResponse is not base64");
        }
        final Document document = SamlXml.parse(xml);
        final String requestId = SamlResponseValidator.claimedRequest(document);
        final Instant now = clock.instant();
        final Started<T> started = requests.peek(requestId, relayState, now);
        if (started == null)
        {
            throw new SamlException("the response answers no request we sent that is still open ("
                + (requestId == null ? "no InResponseTo" : "InResponseTo " + requestId) + ")");
        }
        final HeadendConfig cfg = config.get();
        final SamlIdp idp = idpOf(cfg, started.tunnelGroup());
        if (idp == null || !idp.entityId().equals(started.idp()))
        {
            throw new SamlException("tunnel-group " + started.tunnelGroup() + " no longer logs in at "
                + started.idp());
        }
        final List<X509Certificate> certificates = idpCertificates(cfg, idp);
        if (EncryptedAssertions.present(document))
        {
            final SpCredentials sp = SpCredentials.of(cfg, idp, flash);
            if (sp == null)
            {
                throw new SamlException("the assertion is encrypted, but saml idp " + idp.entityId()
                    + " has no trustpoint sp to decrypt it with");
            }
            EncryptedAssertions.decryptInPlace(document, sp.key(),
                signature -> SamlResponseValidator.verifyResponseSignature(document, signature, certificates, now));
        }
        final SamlResponseValidator.Expectation expected = new SamlResponseValidator.Expectation(idp.entityId(),
            certificates, idp.spEntityId(started.tunnelGroup()), idp.acsUrl(started.tunnelGroup()),
            idp.assertionTimeout(), SKEW);
        final VerifiedAssertion assertion = SamlResponseValidator.validate(document, expected, now);
        if (!assertion.inResponseTo().equals(requestId))
        {
            throw new SamlException("the assertion answers another request than the Response");
        }
        if (!requests.take(requestId))
        {
            throw new SamlException("the request " + requestId + " was already answered");
        }
        if (!replays.firstUse(idp.entityId() + " " + assertion.id(), assertion.expires(), now))
        {
            throw new SamlException("the assertion " + assertion.id() + " was used before (replay)");
        }
        final String username = username(idp, assertion);
        final String policy = groupPolicy(cfg.ldapAttributeMaps().get(idp.attributeMap()), assertion);
        subjects.loggedIn(idp.entityId(), assertion.nameId(), username);
        return new Result<>(started.owner(), started.tunnelGroup(), username, policy, idp.entityId());
    }

    /**
     * A single logout message from the IdP, as our logout endpoint received it.
     *
     * @param request  the IdP asks us to end the sessions of {@code username}; false: it answers our request
     * @param username whose sessions end (null when the IdP names someone who has not logged in here)
     * @param idp      the IdP's entity ID
     * @param answer   where the browser goes next: our LogoutResponse to the IdP's {@code url sign-out}; null
     *                 when it has none, or for an answer
     */
    public record Logout(boolean request, String username, String idp, String answer)
    {
    }

    /**
     * The redirect that tells {@code tunnelGroup}'s IdP that {@code username} logged out here (SP-initiated single
     * logout, from the portal's logout), signed when {@code trustpoint sp} is set; null when the group does not log
     * in by SAML or its IdP has no {@code url sign-out}.
     */
    public String logoutRequest(final String tunnelGroup, final String username) throws SamlException
    {
        final HeadendConfig cfg = config.get();
        final SamlIdp idp = idpOf(cfg, tunnelGroup);
        if (idp == null || idp.signOutUrl() == null)
        {
            return null;
        }
        final SpCredentials sp = SpCredentials.of(cfg, idp, flash);
        final String id = AuthnRequests.newId();
        final Instant now = clock.instant();
        logouts.add(id, "", tunnelGroup, now);
        return LogoutMessages.request(idp.signOutUrl(), idp.spEntityId(tunnelGroup),
            subjects.nameIdOf(idp.entityId(), username), id, now, sp == null ? null : sp.key());
    }

    /**
     * Reads a logout message of {@code tunnelGroup}'s IdP sent to our logout endpoint: signed with the IdP's key,
     * from the IdP, to us, recent, and a request at most once; an answer only to a request we sent.
     *
     * @param rawQuery the query string as received
     * @throws SamlException naming why it is refused
     */
    public Logout logout(final String tunnelGroup, final String rawQuery) throws SamlException
    {
        final HeadendConfig cfg = config.get();
        final SamlIdp idp = tunnelGroup == null ? null : idpOf(cfg, tunnelGroup);
        if (idp == null)
        {
            throw new SamlException("tunnel-group " + tunnelGroup + " does not log in by SAML");
        }
        final Instant now = clock.instant();
        final LogoutMessages.Incoming message = LogoutMessages.read(rawQuery, idpCertificates(cfg, idp),
            idp.entityId(), idp.logoutUrl(tunnelGroup), now, SKEW);
        if (!message.request())
        {
            if (logouts.peek(message.inResponseTo(), "", now) == null || !logouts.take(message.inResponseTo()))
            {
                throw new SamlException("the LogoutResponse answers no logout we sent that is still open");
            }
            if (!message.success())
            {
                throw new SamlException("the IdP did not log the user out (its status is not Success)");
            }
            return new Logout(false, null, idp.entityId(), null);
        }
        if (!replays.firstUse(idp.entityId() + " logout " + message.id(), now.plus(PendingRequests.LIFETIME), now))
        {
            throw new SamlException("the LogoutRequest " + message.id() + " was received before (replay)");
        }
        final String known = subjects.usernameOf(idp.entityId(), message.nameId());
        final String username = known != null ? known : idp.usernameAttribute() == null ? message.nameId() : null;
        final SpCredentials sp = SpCredentials.of(cfg, idp, flash);
        return new Logout(true, username, idp.entityId(), idp.signOutUrl() == null ? null
            : LogoutMessages.response(idp.signOutUrl(), idp.spEntityId(tunnelGroup), message.id(),
                message.relayState(), now, sp == null ? null : sp.key()));
    }

    /** The entity ID of {@code tunnelGroup}'s IdP when it logs in by SAML, else null. */
    public String idpEntityOf(final String tunnelGroup)
    {
        final SamlIdp idp = idpOf(config.get(), tunnelGroup);
        return idp == null ? null : idp.entityId();
    }

    private static String username(final SamlIdp idp, final VerifiedAssertion assertion) throws SamlException
    {
        String name = assertion.nameId();
        if (idp.usernameAttribute() != null)
        {
            final List<String> values = assertion.values(idp.usernameAttribute());
            if (values.size() != 1)
            {
                throw new SamlException("attribute " + idp.usernameAttribute() + " has " + values.size()
                    + " values, not one user name");
            }
            name = values.getFirst();
        }
        if (name.isEmpty() || name.length() > MAX_USERNAME || !name.chars().allMatch(c -> c > 0x20 && c < 0x7f))
        {
            throw new SamlException("the user name is empty, longer than " + MAX_USERNAME
                + " or not printable ASCII");
        }
        return name;
    }

    /**
     * The {@code ldap attribute-map} applied as to an LDAP entry: the first {@code map-value} naming one of the
     * attribute's values gives the group-policy; a single value without one passes through as the name.
     */
    static String groupPolicy(final LdapAttributeMap map, final VerifiedAssertion assertion)
    {
        if (map == null)
        {
            return null;
        }
        for (final var name : map.names().entrySet())
        {
            final List<String> values = assertion.values(name.getKey());
            if (values.isEmpty())
            {
                continue;
            }
            String mapped = null;
            for (final LdapAttributeMap.ValueMapping mapping : map.values())
            {
                if (mapped == null && mapping.attribute().equalsIgnoreCase(name.getKey())
                    && values.stream().anyMatch(v -> v.equalsIgnoreCase(mapping.ldapValue())))
                {
                    mapped = mapping.value();
                }
            }
            final String value = mapped != null ? mapped : values.size() == 1 ? values.getFirst() : null;
            String policy = value == null ? null : value.strip();
            if (policy != null && name.getValue() == LdapAttributeMap.Target.IETF_RADIUS_CLASS
                && policy.regionMatches(true, 0, "OU=", 0, 3))
            {
                final int end = policy.indexOf(';');
                policy = (end < 0 ? policy.substring(3) : policy.substring(3, end)).strip();
            }
            if (policy != null && !policy.isEmpty() && policy.length() <= MAX_POLICY_NAME)
            {
                return policy;
            }
        }
        return null;
    }

    /** The certificates in the IdP trustpoint's file, read now (a rolled-over certificate takes effect at once). */
    private List<X509Certificate> idpCertificates(final HeadendConfig cfg, final SamlIdp idp) throws SamlException
    {
        final Trustpoint trustpoint = cfg.trustpoints().get(idp.idpTrustpoint());
        if (trustpoint == null || trustpoint.caCertificate() == null)
        {
            throw new SamlException("trustpoint " + idp.idpTrustpoint() + " names no certificate file");
        }
        try (InputStream in = Files.newInputStream(flash.apply(trustpoint.caCertificate())))
        {
            final List<X509Certificate> certificates = new ArrayList<>();
            for (final var certificate : CertificateFactory.getInstance("X.509").generateCertificates(in))
            {
                certificates.add((X509Certificate)certificate);
            }
            if (certificates.isEmpty())
            {
                throw new SamlException(trustpoint.caCertificate() + " holds no certificate");
            }
            return certificates;
        }
        catch (final IOException | CertificateException | IllegalArgumentException ex)
        {
            throw new SamlException("the IdP certificate " + trustpoint.caCertificate() + " cannot be read: "
                + ex.getMessage(), ex);
        }
    }

    public int pending()
    {
        return requests.size();
    }
}
