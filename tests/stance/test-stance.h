/* test-stance.h — the stage tests (test-stance-stage.c) register into the engine tests'
 * main when the core is built (NK_STANCE_STAGE_TESTS).
 *
 * SPDX-License-Identifier: MIT
 */
#pragma once

void nk_test_stance_stage_add (void);
