package org.headend.control.portal;

import java.util.List;

/** The portal's own words: the message ids of the {@code webvpn} translation domain. */
final class PortalText
{
    static final String TITLE = "SSL VPN Service";
    static final String LOGIN = "Login";
    static final String PROMPT = "Please enter your username and password.";
    static final String USERNAME = "Username";
    static final String PASSWORD = "Password";
    static final String GROUP = "Group";
    static final String LOGIN_FAILED = "Login failed.";
    static final String EXPIRED = "The login page expired. Please log in again.";
    static final String LOGOUT = "Logout";
    static final String LOGGED_OUT = "You have been logged out.";
    static final String LOGIN_AGAIN = "Log in again";
    static final String ASK = "Do you want to download the AnyConnect client, or go to the portal?";
    static final String COUNTDOWN = "Seconds until the default choice is taken:";
    static final String DOWNLOAD_CLIENT = "Download the AnyConnect client";
    static final String GO_PORTAL = "Continue to the portal";
    static final String HOME = "Welcome to the portal.";
    static final String DOWNLOAD_TITLE = "AnyConnect client download";
    static final String FOR_PLATFORM = "Client for your computer:";
    static final String VERSION = "Version";
    static final String NO_PACKAGE = "No client package is available for your computer.";
    static final String OTHER_PLATFORMS = "Other platforms";
    static final String KEEP = "The client stays installed after the session ends.";
    static final String REMOVE = "The client removes itself when the session ends.";
    static final String START_CLIENT = "Start AnyConnect";
    static final String SINGLE_SIGN_ON = "Log in with single sign-on:";
    static final String CHALLENGE = "Additional verification";
    static final String CHALLENGE_DEFAULT = "Enter the code.";
    static final String ANSWER = "Answer";
    static final String CONTINUE = "Continue";
    static final String CHANGE_PASSWORD = "Change password";
    static final String NEW_PASSWORD = "New Password";
    static final String CONFIRM_PASSWORD = "Verify Password";
    static final String PASSWORDS_DIFFER = "The new passwords do not match.";

    static final List<String> ALL = List.of(TITLE, LOGIN, PROMPT, USERNAME, PASSWORD, GROUP, LOGIN_FAILED, EXPIRED,
        LOGOUT, LOGGED_OUT, LOGIN_AGAIN, ASK, COUNTDOWN, DOWNLOAD_CLIENT, GO_PORTAL, HOME, DOWNLOAD_TITLE,
        FOR_PLATFORM, VERSION, NO_PACKAGE, OTHER_PLATFORMS, KEEP, REMOVE, START_CLIENT, SINGLE_SIGN_ON);

    private PortalText()
    {
    }
}
