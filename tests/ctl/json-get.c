/* SPDX-License-Identifier: LGPL-2.1-or-later */

/*
 * Test helper for test-memmonctl.sh: reads one JSON document from stdin and
 * fails unless it parses completely. With a PATH argument ("Units.0.Name",
 * numbers index arrays, "length" gives an array's size) it prints that value:
 * strings raw, everything else as JSON. No jq or python needed in CI.
 */

#include <errno.h>
#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "parse.h"
#include "util.h"

#define INPUT_MAX (16U << 20)

int main(int argc, char *argv[]) {
        _cleanup_free_ char *buf = NULL, *path = NULL;
        struct json_tokener *tok;
        json_object *root, *o;
        size_t n = 0;

        buf = malloc(INPUT_MAX + 1);
        if (!buf)
                return EXIT_FAILURE;
        n = fread(buf, 1, INPUT_MAX, stdin);
        if (ferror(stdin) || n == INPUT_MAX) {
                fprintf(stderr, "json-get: cannot read input\n");
                return EXIT_FAILURE;
        }
        buf[n] = 0;

        tok = json_tokener_new();
        if (!tok)
                return EXIT_FAILURE;
        root = json_tokener_parse_ex(tok, buf, (int) n);
        if (!root || json_tokener_get_error(tok) != json_tokener_success ||
            strspn(buf + json_tokener_get_parse_end(tok), " \t\r\n") != n - json_tokener_get_parse_end(tok)) {
                fprintf(stderr, "json-get: invalid JSON\n");
                json_tokener_free(tok);
                return EXIT_FAILURE;
        }
        json_tokener_free(tok);

        o = root;
        if (argc > 1) {
                path = strdup(argv[1]);
                if (!path)
                        return EXIT_FAILURE;
                for (char *save = NULL, *k = strtok_r(path, ".", &save); k; k = strtok_r(NULL, ".", &save)) {
                        uint64_t i;

                        if (json_object_is_type(o, json_type_array) && streq(k, "length")) {
                                printf("%zu\n", json_object_array_length(o));
                                json_object_put(root);
                                return EXIT_SUCCESS;
                        }
                        if (json_object_is_type(o, json_type_array) && parse_u64(k, &i) >= 0 &&
                            i < json_object_array_length(o))
                                o = json_object_array_get_idx(o, i);
                        else if (!json_object_is_type(o, json_type_object) || !json_object_object_get_ex(o, k, &o)) {
                                fprintf(stderr, "json-get: no '%s' in %s\n", k, argv[1]);
                                json_object_put(root);
                                return EXIT_FAILURE;
                        }
                }
                if (json_object_is_type(o, json_type_string))
                        printf("%s\n", json_object_get_string(o));
                else
                        printf("%s\n", json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN));
        }
        json_object_put(root);
        return EXIT_SUCCESS;
}
