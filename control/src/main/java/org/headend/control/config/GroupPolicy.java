package org.headend.control.config;

/**
 * {@code group-policy NAME internal} plus its {@code attributes} (including the {@code webvpn} sub-mode).
 */
public record GroupPolicy(String name, PolicyAttributes attributes)
{
}
