/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/* Helpers shared by the tests that build fake cgroup trees in a temp dir. */

/* Removes path and everything under it; a symlink is removed, not followed. Asserts on failure. */
void test_rm_rf(const char *path);
