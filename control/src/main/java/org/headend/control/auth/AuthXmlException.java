package org.headend.control.auth;

/** A client document the headend refuses to read; the message is safe to log (it quotes no client data). */
public final class AuthXmlException extends Exception
{
    private static final long serialVersionUID = 1L;

    public AuthXmlException(final String message)
    {
        super(message);
    }

    public AuthXmlException(final String message, final Throwable cause)
    {
        super(message, cause);
    }
}
