// SPDX-License-Identifier: MIT
/** The `state.networkLink` key of Windows devices (its behaviour: network-link.ts). Kept apart so device/state.ts stays readable. */
export const NETWORK_LINK_STATE: Record<string, unknown> = {
  enum: ["ethernet", "wifi"],
  description:
    'How the PC reaches the network in OOBE (src/device/windows/network-link.ts). ethernet (default): connected at power-on, the Autopilot profile downloads at once and self-deploying needs no interaction. wifi: the user must first choose the language, locale and keyboard and make the Wi-Fi connection (step oobe.network; Microsoft Learn, Windows Autopilot self-deploying mode: "For devices connected via Wi-Fi, the user must only: Choose the language, locale, and keyboard. Make a network connection."), so an unattended kiosk waits there (the timeline\'s idle or abandon at oobe.network); pre-provisioning is refused (Microsoft Learn, Windows Autopilot for pre-provisioned deployment: "Physical devices with Ethernet connectivity are required to complete pre-provisioning. Wi-fi connectivity isn\'t supported"), windows.autopilot.wired-connection-required. The screen Windows shows for pre-provisioning over Wi-Fi is not published.',
};
