// SPDX-License-Identifier: MIT
/** The step of the enrollment app's user sign-in in a Chrome custom tab (device/android/dpc.ts signIn). */
export const SIGNIN_TAB_STEP = "android.signin.chrome-tab";
