package org.headend.control.auth.saml;

/** A SAML message refused, with the reason the log gets (never shown to the browser, which learns only "refused"). */
public final class SamlException extends Exception
{
    private static final long serialVersionUID = 1L;

    public SamlException(final String message)
    {
        super(message);
    }

    public SamlException(final String message, final Throwable cause)
    {
        super(message, cause);
    }
}
