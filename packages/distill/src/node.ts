/**
 * Node-only parts of @graft/distill (`@graft/distill/node`): the teacher-logits cache on disk,
 * the fingerprints that key it, and `prepareDistillation`, the one-call setup `graft distill`
 * uses.
 * @packageDocumentation
 */
export { fingerprintFiles, fingerprintModule, fingerprintRows } from './node/fingerprint';
export {
  cachedTeacherLogits,
  readTeacherLogits,
  teacherLogitsFingerprint,
  TEACHER_LOGITS_FORMAT,
  writeTeacherLogits,
  type CachedLogitsResult,
  type TeacherLogitsCacheOptions,
} from './node/teacher-logits-cache';
export { prepareDistillation, type PrepareDistillationOptions, type PreparedDistillation } from './node/prepare-distillation';
