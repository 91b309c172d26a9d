import { DynamicModule, Global, Module } from '@nestjs/common';
import { ENV, type Env } from '@libs/config';

/** Makes the validated environment injectable everywhere as `@Inject(ENV)`. */
@Global()
@Module({})
export class EnvModule {
  static forRoot(env: Env): DynamicModule {
    return { module: EnvModule, providers: [{ provide: ENV, useValue: env }], exports: [ENV] };
  }
}
