export const smoke = 42;
