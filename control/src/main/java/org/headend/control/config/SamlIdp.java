package org.headend.control.config;

import java.time.Duration;

/**
 * A SAML identity provider ({@code webvpn} → {@code saml idp ENTITY-ID}), as the ASA configures one.
 *
 * @param entityId          the IdP's entity ID: the Issuer its assertions must carry
 * @param signInUrl         {@code url sign-in}: where AuthnRequests go (HTTP-Redirect binding); null until set
 * @param signOutUrl        {@code url sign-out}: the IdP's single logout service, where the portal's logout sends
 *                          our LogoutRequest and our LogoutResponse answers the IdP's; null when not set
 * @param baseUrl           {@code base-url}: our own https:// URL as browsers reach it, from which our entity ID
 *                          and assertion consumer service are made; null until set
 * @param idpTrustpoint     {@code trustpoint idp NAME}: the trustpoint whose certificate file holds the IdP's
 *                          signing certificate; null until set
 * @param spTrustpoint      {@code trustpoint sp NAME}: the trustpoint whose identity-certificate file holds our own
 *                          certificate and key, which sign our AuthnRequests and LogoutRequests and decrypt
 *                          encrypted assertions; null: requests go unsigned and encrypted assertions are refused
 * @param assertionTimeout  {@code timeout assertion SECONDS}: an assertion is accepted at most this long after it
 *                          was issued, whatever its own NotOnOrAfter says
 * @param usernameAttribute {@code username-attribute NAME}: the attribute that names the user instead of the
 *                          NameID; null for the NameID
 * @param attributeMap      {@code attribute-map NAME}: an {@code ldap attribute-map} applied to the assertion's
 *                          attributes to find the group-policy, as for LDAP users; null for none
 */
public record SamlIdp(String entityId, String signInUrl, String signOutUrl, String baseUrl, String idpTrustpoint,
    String spTrustpoint, Duration assertionTimeout, String usernameAttribute, String attributeMap)
{
    /** {@code timeout assertion} when it is not set. */
    public static final Duration DEFAULT_ASSERTION_TIMEOUT = Duration.ofHours(1);

    /** Whether everything a login needs is configured. */
    public boolean complete()
    {
        return signInUrl != null && baseUrl != null && idpTrustpoint != null;
    }

    /** Our entity ID toward this IdP for {@code tunnelGroup}: the Audience of its assertions (the ASA's form). */
    public String spEntityId(final String tunnelGroup)
    {
        return baseUrl + "/saml/sp/metadata/" + tunnelGroup;
    }

    /** Our single logout endpoint for {@code tunnelGroup} (HTTP-Redirect): where the IdP's logout messages come. */
    public String logoutUrl(final String tunnelGroup)
    {
        return baseUrl + "/+CSCOE+/saml/sp/logout?tgname=" + tunnelGroup;
    }

    /** Our assertion consumer service for {@code tunnelGroup}: the Destination and Recipient of the responses. */
    public String acsUrl(final String tunnelGroup)
    {
        return baseUrl + "/+CSCOE+/saml/sp/acs?tgname=" + tunnelGroup;
    }
}
