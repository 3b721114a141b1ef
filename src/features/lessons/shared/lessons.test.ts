import { describe, expect, it } from 'vitest';
import { ConfigSchema, DEFAULT_CONFIG } from '../../../platform/shared/config';
import { parseConfig, serializeConfig } from '../../../platform/shared/url';
import { LESSONS, LESSON_IDS, lessonById, lessonConfig, lessonIndex } from './lessons';

describe('built-in lessons', () => {
  it('follow the field’s introductions in order, one id each', () => {
    expect(LESSONS.map((l) => l.id)).toEqual([
      'precision',
      'scale',
      'bits',
      'binary',
      'granularity',
      'activations',
      'qat',
      'magnitude',
      'structured',
      'schedule',
      'distill',
      'sharing',
      'deep-compression',
      'speed',
    ]);
    expect(new Set(LESSON_IDS).size).toBe(LESSONS.length);
  });

  it.each(LESSONS.map((l) => [l.id, l] as const))(
    '%s: opens a valid config whose link reads back whole',
    (_id, lesson) => {
      const c = lessonConfig(lesson, DEFAULT_CONFIG);
      expect(ConfigSchema.parse(c)).toEqual(c);
      expect(c.lesson).toBe(lesson.id);
      expect(c.view).toBe(lesson.config.view);
      // The lesson's own tab is never hidden.
      expect(c.hide).not.toContain(`tab-${lesson.config.view}`);
      const hash = serializeConfig(c);
      expect(hash).toContain(`les=${lesson.id}`);
      const back = parseConfig(hash);
      expect(back.problems).toEqual([]);
      expect(back.config).toEqual({ ...c, hide: [...c.hide].sort() });
      expect(lesson.text.length).toBeLessThan(500);
      expect(lesson.task).toMatch(/\?/);
    },
  );

  it('keeps the room’s projector setting and starts from the defaults otherwise', () => {
    const current = { ...DEFAULT_CONFIG, projector: true, seed: 42, arch: 'cnn' as const };
    const c = lessonConfig(lessonById('bits')!, DEFAULT_CONFIG, current);
    expect(c.projector).toBe(true);
    expect(c.seed).toBe(DEFAULT_CONFIG.seed);
    expect(c.arch).toBe('mlp');
  });

  it('finds lessons by id and position', () => {
    expect(lessonIndex('bits')).toBe(2);
    expect(lessonIndex(null)).toBe(-1);
    expect(lessonById('nope')).toBeNull();
  });
});
