package org.headend.control.config;

/**
 * {@code anyconnect image disk0:/FILE ORDER} in the global {@code webvpn}: a client package offered for web deploy.
 *
 * @param path  the flash path, {@code disk0:/…}
 * @param order the order in which images are matched against the client's OS, lowest first
 */
public record AnyconnectImage(String path, int order)
{
}
