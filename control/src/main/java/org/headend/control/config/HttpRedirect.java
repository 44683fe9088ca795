package org.headend.control.config;

/**
 * {@code http redirect NAMEIF [PORT]}: plain HTTP on {@code PORT} of the interface named {@code NAMEIF} is answered
 * with a redirect to the HTTPS service, so that a user who types the bare address reaches the login page.
 *
 * @param nameif the interface's nameif
 * @param port   the TCP port to listen on (80 unless given)
 */
public record HttpRedirect(String nameif, int port)
{
    /** The port when the line names none. */
    public static final int DEFAULT_PORT = 80;
}
