package org.headend.control.config;

/** A tunnel-group's {@code authentication} (webvpn-attributes): what a user proves to log in. */
public enum TunnelAuthentication
{
    /** {@code authentication aaa} (the default): a user name and password. */
    AAA(false, true),
    /** {@code authentication certificate}: a client certificate alone, no login form. */
    CERTIFICATE(true, false),
    /** {@code authentication aaa certificate}: both a valid client certificate and a password. */
    AAA_CERTIFICATE(true, true),
    /** {@code authentication saml}: single sign-on at the group's {@code saml identity-provider}. */
    SAML(false, false);

    private final boolean certificate;
    private final boolean password;

    TunnelAuthentication(final boolean certificate, final boolean password)
    {
        this.certificate = certificate;
        this.password = password;
    }

    /** Whether the client must present a certificate that a trustpoint validates. */
    public boolean certificate()
    {
        return certificate;
    }

    /** Whether the user must give a password. */
    public boolean password()
    {
        return password;
    }
}
