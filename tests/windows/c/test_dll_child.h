/* What test_dll.c and test_dll_child.c agree on. */
#ifndef PROCFD_WINDOWS_TEST_DLL_CHILD_H
#define PROCFD_WINDOWS_TEST_DLL_CHILD_H

/* An argument that Windows' quoting rules make hard to pass whole: spaces,
 * a quote, backslashes before a quote and at the end. */
#define ARG_PROBE "a b\"c\\\" d\\"

#endif
