import { Controller, Get, Param, Query } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { MinRole } from '@libs/runtime';
import { PageQuery } from '../pagination';
import { EndpointPage, EndpointQuery, IdcPage, ServiceDto, ServicePage } from './inventory.dto';
import { InventoryService } from './inventory.service';

/** Read views of the current config: what Vigil is watching. */
@ApiTags('inventory')
@MinRole('viewer')
@Controller()
export class InventoryController {
  constructor(private readonly inventory: InventoryService) {}

  @Get('idcs')
  @ApiOperation({ summary: 'IDCs' })
  @ApiOkResponse({ type: IdcPage })
  idcs(@Query() q: PageQuery) {
    return this.inventory.listIdcs(q.limit, q.offset);
  }

  @Get('services')
  @ApiOperation({ summary: 'Services' })
  @ApiOkResponse({ type: ServicePage })
  services(@Query() q: PageQuery) {
    return this.inventory.listServices(q.limit, q.offset);
  }

  @Get('services/:name')
  @ApiOperation({ summary: 'One service with its spec and endpoints per IDC' })
  @ApiOkResponse({ type: ServiceDto })
  service(@Param('name') name: string) {
    return this.inventory.getService(name);
  }

  @Get('endpoints')
  @ApiOperation({ summary: 'Endpoints, filtered by service and IDC' })
  @ApiOkResponse({ type: EndpointPage })
  endpoints(@Query() q: EndpointQuery) {
    return this.inventory.listEndpoints({ service: q.service, idc: q.idc }, q.limit, q.offset);
  }
}
